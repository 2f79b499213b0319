package dev.slate.control.env;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A change to an environment's spec: absent parts stay as they are. {@code mode: fixed} clears {@code maxReplicas}. */
public record EnvironmentPatch(
        Optional<String> description,
        Optional<Integer> replicas,
        Optional<ReplicaMode> mode,
        Optional<Integer> maxReplicas) {
    public EnvironmentPatch {
        requireNonNull(description, "description is null");
        requireNonNull(replicas, "replicas is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(maxReplicas, "maxReplicas is null");
    }

    public boolean isEmpty() {
        return description.isEmpty() && replicas.isEmpty() && mode.isEmpty() && maxReplicas.isEmpty();
    }
}
