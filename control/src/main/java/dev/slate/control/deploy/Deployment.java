package dev.slate.control.deploy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A stored deployment of a feature project into an environment: what the metadata plane records
 * about it. The project files themselves are in {@link DeploymentContent}.
 *
 * @param version 1, 2, 3, ... per environment, in the order the deployments were stored
 * @param contentHash SHA-256 (hex) over the project files, as computed by the project compiler
 * @param activatedAt when it last became active; empty if it never was
 * @param createdBy who deployed it, when known
 * @param fileNames the project's file names, sorted
 */
public record Deployment(
        UUID id,
        String environment,
        String project,
        int version,
        String contentHash,
        DeploymentStatus status,
        Instant createdAt,
        Optional<Instant> activatedAt,
        Optional<String> createdBy,
        List<String> fileNames) {

    public Deployment {
        requireNonNull(id, "id is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(project, "project is null");
        requireNonNull(contentHash, "contentHash is null");
        requireNonNull(status, "status is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(activatedAt, "activatedAt is null");
        requireNonNull(createdBy, "createdBy is null");
        fileNames = List.copyOf(fileNames);
    }
}
