package dev.slate.storage.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One value to store. A write whose {@code observedAt} is older than the value already stored for
 * the same slot is ignored (a backdated write never overwrites a newer value); on equal times the
 * later write wins. {@code retention} bounds how long the store must keep the value; empty keeps it
 * until overwritten.
 */
public record OnlineWrite(
        EntityRef entity, FeatureSlot slot, Object value, Instant observedAt, Optional<Duration> retention) {
    public OnlineWrite {
        requireNonNull(entity, "entity is null");
        requireNonNull(slot, "slot is null");
        requireNonNull(observedAt, "observedAt is null");
        requireNonNull(retention, "retention is null");
    }
}
