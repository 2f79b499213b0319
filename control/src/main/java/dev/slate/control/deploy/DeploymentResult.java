package dev.slate.control.deploy;

import static java.util.Objects.requireNonNull;

/**
 * The answer to a deploy.
 *
 * @param unchanged true when the environment already held a deployment with the same content; that
 *     deployment is returned (and activated if asked) and nothing new is stored
 */
public record DeploymentResult(Deployment deployment, boolean unchanged) {
    public DeploymentResult {
        requireNonNull(deployment, "deployment is null");
    }
}
