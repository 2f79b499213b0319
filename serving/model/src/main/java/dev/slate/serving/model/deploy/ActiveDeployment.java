package dev.slate.serving.model.deploy;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.graph.FeatureGraph;
import java.time.Instant;

/**
 * The deployment that serves an environment, compiled. Published by the metadata plane (as a CDI
 * event whenever it changes, including at startup) and consumed by serving, which swaps its
 * snapshot atomically.
 */
public record ActiveDeployment(
        String environment, String deploymentId, int version, FeatureGraph graph, Instant activatedAt) {
    public ActiveDeployment {
        requireNonNull(environment, "environment is null");
        requireNonNull(deploymentId, "deploymentId is null");
        requireNonNull(graph, "graph is null");
        requireNonNull(activatedAt, "activatedAt is null");
    }
}
