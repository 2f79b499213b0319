package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What reverse ETL asks of the offline store: for every instance of {@code entity} in {@code namespace} and
 * every requested feature, the value it has at {@code asOf} by the point-in-time rules (the latest observation
 * at or before {@code asOf}, ties to the later append, none when older than the feature's {@code maxStaleness})
 * — counting only observations appended after the call that returned {@code since}.
 *
 * @param since the marker returned by an earlier {@link OfflineStore#latestValues} call for the same
 *     namespace, entity and features; empty reads every observation
 * @param asOf the time the values are wanted for (usually now)
 */
public record LatestValuesQuery(
        String namespace, String entity, List<FeatureLookup> features, Optional<String> since, Instant asOf) {
    public LatestValuesQuery {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(entity, "entity is null");
        features = List.copyOf(features);
        requireNonNull(since, "since is null");
        requireNonNull(asOf, "asOf is null");
        asOf = OfflineTimes.requireInRange(asOf, "asOf");
    }
}
