package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One observation delivered by {@link OfflineStore#history}: the value of requested feature number {@code feature}
 * (an index into {@link HistoryQuery#features()}) of the instance {@code key}, observed at {@code observedAt}.
 * {@code value} may be null: an observed null.
 */
public record HistoryObservation(EntityKey key, int feature, Object value, Instant observedAt) {
    public HistoryObservation {
        requireNonNull(key, "key is null");
        requireNonNull(observedAt, "observedAt is null");
    }
}
