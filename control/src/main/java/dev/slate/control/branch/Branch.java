package dev.slate.control.branch;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A branch of an environment (docs/environments.md, "Branches"): a named deployment of the environment that serves
 * only requests naming the branch, optionally only for callers holding {@code role} in the environment.
 *
 * @param revision grows with every change; replicas publish a branch only for a revision newer than the one they serve
 */
public record Branch(
        String environment,
        String name,
        UUID deploymentId,
        Optional<String> role,
        long revision,
        Instant createdAt,
        Optional<String> createdBy,
        Instant updatedAt) {
    public Branch {
        requireNonNull(environment, "environment is null");
        requireNonNull(name, "name is null");
        requireNonNull(deploymentId, "deploymentId is null");
        requireNonNull(role, "role is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
