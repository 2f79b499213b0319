package dev.slate.control.deploy.store;

import static java.util.Objects.requireNonNull;

import dev.slate.control.deploy.EnvironmentNamespaces;
import java.util.Optional;
import java.util.UUID;

/**
 * An environment's row: which deployment is active, and the activation revision (bumped on every
 * activation, so a larger revision is always a later state), and where its values live.
 */
public record EnvironmentState(
        String name, Optional<UUID> activeDeploymentId, long revision, EnvironmentNamespaces namespaces) {
    public EnvironmentState {
        requireNonNull(name, "name is null");
        requireNonNull(activeDeploymentId, "activeDeploymentId is null");
        requireNonNull(namespaces, "namespaces is null");
    }
}
