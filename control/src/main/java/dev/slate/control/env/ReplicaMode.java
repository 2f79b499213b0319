package dev.slate.control.env;

import java.util.Locale;
import java.util.Optional;

/** How an environment's serving replicas are sized: a fixed count, or autoscaled between bounds. */
public enum ReplicaMode {
    /** Exactly {@code replicas} serving replicas. */
    FIXED,
    /** Between {@code replicas} and {@code max_replicas}, by CPU (a HorizontalPodAutoscaler in cluster mode). */
    AUTOSCALED;

    /** The name used in the API: {@code fixed}, {@code autoscaled}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ReplicaMode> fromCode(String code) {
        for (ReplicaMode mode : values()) {
            if (mode.code().equals(code)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
