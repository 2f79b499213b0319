package dev.slate.serving.model.deploy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A branch of an environment now serves {@code deployment}, or (empty) was deleted (docs/environments.md, "Branches").
 * Published by the metadata plane as a CDI event, like {@link ActiveDeployment}; the deployment's environment is the
 * branch's environment.
 *
 * @param role the role a caller must hold in the environment to name the branch; empty: anyone who may query there
 */
public record BranchChanged(
        String environment, String branch, Optional<ActiveDeployment> deployment, Optional<String> role) {
    public BranchChanged {
        requireNonNull(environment, "environment is null");
        requireNonNull(branch, "branch is null");
        requireNonNull(deployment, "deployment is null");
        requireNonNull(role, "role is null");
    }
}
