package dev.slate.serving.model.deploy;

import static java.util.Objects.requireNonNull;

/**
 * An environment was deleted: serving stops answering for it (published by the metadata plane as a CDI
 * event, like {@link ActiveDeployment}).
 */
public record EnvironmentRetired(String environment) {
    public EnvironmentRetired {
        requireNonNull(environment, "environment is null");
    }
}
