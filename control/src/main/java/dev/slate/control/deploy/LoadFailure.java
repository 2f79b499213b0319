package dev.slate.control.deploy;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * An environment's active deployment could not be published (e.g. it no longer compiles with this
 * version of Slate). The reason names problem codes and places, never file contents or secrets.
 */
public record LoadFailure(UUID deploymentId, int version, String reason) {
    public LoadFailure {
        requireNonNull(deploymentId, "deploymentId is null");
        requireNonNull(reason, "reason is null");
    }
}
