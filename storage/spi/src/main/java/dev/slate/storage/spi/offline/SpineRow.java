package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One row of a point-in-time query: the entity instance and the time at which its features are wanted.
 * {@code inputTime} is truncated to microseconds (convert zoned input with
 * {@link dev.slate.storage.spi.Values#toInstant}).
 */
public record SpineRow(EntityKey key, Instant inputTime) {
    public SpineRow {
        requireNonNull(key, "key is null");
        requireNonNull(inputTime, "inputTime is null");
        inputTime = OfflineTimes.requireInRange(inputTime, "inputTime");
    }

    public static SpineRow of(Object key, Instant inputTime) {
        return new SpineRow(key instanceof EntityKey k ? k : EntityKey.of(key), inputTime);
    }
}
