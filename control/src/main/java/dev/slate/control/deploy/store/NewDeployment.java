package dev.slate.control.deploy.store;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/** A validated project to store in an environment. */
public record NewDeployment(
        String environment, String project, String contentHash, Map<String, String> files, Optional<String> createdBy) {
    public NewDeployment {
        requireNonNull(environment, "environment is null");
        requireNonNull(project, "project is null");
        requireNonNull(contentHash, "contentHash is null");
        files = Map.copyOf(files);
        requireNonNull(createdBy, "createdBy is null");
    }
}
