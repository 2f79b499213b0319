package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.FeatureSlot;
import java.time.Instant;
import java.util.List;

/**
 * What {@link OfflineStore#history} reads: every observation of the requested feature slots of the instances of
 * {@code entity} in {@code namespace} observed at or before {@code until} — the raw history, with no point-in-time
 * choice made, from which the related rows of windowed aggregations are rebuilt (docs/specs/aggregations.md,
 * "Offline").
 *
 * @param features the slots wanted; an observation counts only for exactly its slot (feature, version and type)
 * @param until observations after this time are not delivered
 */
public record HistoryQuery(String namespace, String entity, List<FeatureSlot> features, Instant until) {
    public HistoryQuery {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(entity, "entity is null");
        features = List.copyOf(features);
        requireNonNull(until, "until is null");
        until = OfflineTimes.requireInRange(until, "until");
    }
}
