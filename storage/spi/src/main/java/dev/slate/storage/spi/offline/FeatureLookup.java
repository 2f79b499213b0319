package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.FeatureSlot;
import java.time.Duration;
import java.util.Optional;

/**
 * One feature wanted by a point-in-time query. Only observations of exactly this slot (feature, version
 * and type) count. With a {@code maxStaleness}, an observation older than {@code inputTime - maxStaleness}
 * does not count (the bound is inclusive: an observation exactly {@code maxStaleness} old does); without
 * one, any earlier observation does.
 */
public record FeatureLookup(FeatureSlot slot, Optional<Duration> maxStaleness) {
    public FeatureLookup {
        requireNonNull(slot, "slot is null");
        requireNonNull(maxStaleness, "maxStaleness is null");
        if (maxStaleness.isPresent() && maxStaleness.get().isNegative()) {
            throw new IllegalArgumentException("maxStaleness must not be negative, got " + maxStaleness.get());
        }
    }

    /** The latest observation at or before the input time, however old. */
    public static FeatureLookup latest(FeatureSlot slot) {
        return new FeatureLookup(slot, Optional.empty());
    }

    /** The latest observation at or before the input time and at most {@code maxStaleness} older than it. */
    public static FeatureLookup within(FeatureSlot slot, Duration maxStaleness) {
        return new FeatureLookup(slot, Optional.of(maxStaleness));
    }
}
