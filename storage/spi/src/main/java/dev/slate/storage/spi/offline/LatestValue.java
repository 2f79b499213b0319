package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One answer of {@link OfflineStore#latestValues}: the value of requested feature number {@code feature} (an
 * index into {@link LatestValuesQuery#features()}) for one entity instance, observed at {@code observedAt}.
 * {@code value} may be null: an observed null.
 */
public record LatestValue(EntityKey key, int feature, Object value, Instant observedAt) {
    public LatestValue {
        requireNonNull(key, "key is null");
        requireNonNull(observedAt, "observedAt is null");
    }
}
