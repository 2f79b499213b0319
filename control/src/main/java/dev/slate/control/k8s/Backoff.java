package dev.slate.control.k8s;

import java.time.Duration;

/** Exponential backoff after consecutive failures: {@code initial * 2^(failures-1)}, at most {@code max}. */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
    }

    /** The wait after the {@code failures}-th consecutive failure (1 or more). */
    public Duration after(int failures) {
        if (failures <= 1) {
            return initial;
        }
        int shift = Math.min(failures - 1, 30);
        long millis = initial.toMillis() << shift;
        return millis <= 0 || millis >= max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
