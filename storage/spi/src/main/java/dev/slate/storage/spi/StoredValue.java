package dev.slate.storage.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A value as kept by a store, with the time it was observed. {@code value} may be null (a known absence). */
public record StoredValue(Object value, Instant observedAt) {
    public StoredValue {
        requireNonNull(observedAt, "observedAt is null");
    }
}
