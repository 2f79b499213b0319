package dev.slate.control.env;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the reconciler last observed of an environment in the cluster (never set in standalone mode).
 *
 * @param observedGeneration the environment generation the reconciler last applied
 * @param readyReplicas serving replicas ready according to the Deployment's status
 */
public record EnvironmentStatus(
        Optional<Long> observedGeneration,
        Optional<Integer> readyReplicas,
        List<EnvironmentCondition> conditions,
        Optional<Instant> updatedAt) {
    public static final EnvironmentStatus NONE =
            new EnvironmentStatus(Optional.empty(), Optional.empty(), List.of(), Optional.empty());

    public EnvironmentStatus {
        requireNonNull(observedGeneration, "observedGeneration is null");
        requireNonNull(readyReplicas, "readyReplicas is null");
        conditions = List.copyOf(requireNonNull(conditions, "conditions is null"));
        requireNonNull(updatedAt, "updatedAt is null");
    }

    public Optional<EnvironmentCondition> condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
    }
}
