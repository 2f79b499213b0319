package dev.slate.control.env;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One observation about an environment's dependent objects, in the shape Kubernetes uses
 * ({@code type} Ready/Reconciled, {@code status} True/False/Unknown).
 */
public record EnvironmentCondition(
        String type, String status, String reason, String message, Instant lastTransitionTime) {
    public EnvironmentCondition {
        requireNonNull(type, "type is null");
        requireNonNull(status, "status is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(message, "message is null");
        requireNonNull(lastTransitionTime, "lastTransitionTime is null");
    }

    public boolean isTrue() {
        return "True".equals(status);
    }
}
