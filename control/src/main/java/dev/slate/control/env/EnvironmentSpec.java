package dev.slate.control.env;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What an operator declares about an environment (the part the reconciler makes true). Bounds are checked
 * by {@link EnvironmentService} against the settings; this record only keeps itself consistent.
 *
 * @param replicas the fixed number of serving replicas, or the lower bound when autoscaled
 * @param maxReplicas the upper bound when autoscaled; empty when fixed
 */
public record EnvironmentSpec(String description, int replicas, Optional<Integer> maxReplicas) {
    public EnvironmentSpec {
        requireNonNull(description, "description is null");
        requireNonNull(maxReplicas, "maxReplicas is null");
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas is negative");
        }
        if (maxReplicas.isPresent() && maxReplicas.get() < Math.max(1, replicas)) {
            throw new IllegalArgumentException("maxReplicas is below replicas");
        }
    }

    public ReplicaMode mode() {
        return maxReplicas.isPresent() ? ReplicaMode.AUTOSCALED : ReplicaMode.FIXED;
    }
}
