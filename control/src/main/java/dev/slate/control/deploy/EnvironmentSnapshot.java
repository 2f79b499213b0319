package dev.slate.control.deploy;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.deploy.ActiveDeployment;
import java.util.Optional;

/**
 * What this replica serves for one environment.
 *
 * @param revision the environment's activation revision this snapshot reflects
 * @param active the published active deployment; kept when a newer one failed to load
 * @param failure why the environment's current active deployment could not be published, if it could not
 */
public record EnvironmentSnapshot(
        String environment, long revision, Optional<ActiveDeployment> active, Optional<LoadFailure> failure) {
    public EnvironmentSnapshot {
        requireNonNull(environment, "environment is null");
        requireNonNull(active, "active is null");
        requireNonNull(failure, "failure is null");
    }
}
