package dev.slate.storage.testing;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.OfflineStoreCapability;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import dev.slate.storage.spi.offline.SpineRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference offline store: a straightforward, obviously correct reading of the point-in-time rules,
 * kept in memory. It passes {@link OfflineStoreContract} and serves as the oracle of differential tests and
 * as a fake for tests of code that uses an {@link OfflineStore}. Not durable, not fast.
 */
public final class InMemoryOfflineStore implements OfflineStore {

    private record Series(String namespace, String entity, EntityKey key, FeatureSlot slot) {
    }

    private record Entry(Object value, Instant observedAt, long sequence) {
    }

    private final Map<Series, List<Entry>> series = new HashMap<>();
    private long nextSequence;

    @Override
    public Set<OfflineStoreCapability> capabilities() {
        return Set.of();
    }

    @Override
    public synchronized void append(List<ObservedValue> values) {
        requireNonNull(values, "values is null");
        for (ObservedValue v : values) {
            series.computeIfAbsent(new Series(v.namespace(), v.entity(), v.key(), v.slot()), s -> new ArrayList<>())
                    .add(new Entry(v.value(), v.observedAt(), nextSequence++));
        }
    }

    @Override
    public synchronized PointInTimeResult lookup(PointInTimeQuery query) {
        List<List<StoredValue>> rows = new ArrayList<>(query.spine().size());
        for (SpineRow row : query.spine()) {
            StoredValue[] answers = new StoredValue[query.features().size()];
            for (int f = 0; f < answers.length; f++) {
                FeatureLookup lookup = query.features().get(f);
                Entry best = null;
                for (Entry e : series.getOrDefault(new Series(query.namespace(), query.entity(), row.key(), lookup.slot()), List.of())) {
                    if (e.observedAt().isAfter(row.inputTime()) || !withinStaleness(lookup, e.observedAt(), row.inputTime())) {
                        continue;
                    }
                    if (best == null || e.observedAt().isAfter(best.observedAt())
                            || (e.observedAt().equals(best.observedAt()) && e.sequence() > best.sequence())) {
                        best = e;
                    }
                }
                answers[f] = best == null ? null : new StoredValue(best.value(), best.observedAt());
            }
            rows.add(Arrays.asList(answers));
        }
        return new PointInTimeResult(rows);
    }

    private static boolean withinStaleness(FeatureLookup lookup, Instant observedAt, Instant inputTime) {
        return lookup.maxStaleness().isEmpty()
                || Duration.between(observedAt, inputTime).compareTo(lookup.maxStaleness().get()) <= 0;
    }

    @Override
    public synchronized void dropNamespace(String namespace) {
        series.keySet().removeIf(s -> s.namespace().equals(namespace));
    }

    @Override
    public void ping() {
    }

    @Override
    public void close() {
    }
}
