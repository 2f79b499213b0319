package dev.slate.serving.engine.materialize;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where reverse ETL remembers how far it has read the offline store: one opaque marker (from
 * {@link dev.slate.storage.spi.offline.OfflineStore#latestValues}) per environment and feature version. A
 * marker is saved only after every value read up to it has been accepted by the online store, so a failed
 * run is simply read again by the next one.
 */
public interface MaterializationMarks {

    /** The saved markers of an environment's feature versions (absent: never materialized). */
    Map<Slot, String> load(String environment);

    /** Saves (inserts or replaces) markers of an environment's feature versions. */
    void save(String environment, Map<Slot, String> markers);

    /**
     * Every saved marker, of every environment: the points later runs resume from. Offline-store compaction
     * keeps the data on both sides of each apart, so a resumed run neither reads a value again nor misses one.
     */
    Set<String> all();

    /** One feature version of one entity. */
    record Slot(String entity, String feature, String version) {
        public Slot {
            requireNonNull(entity, "entity is null");
            requireNonNull(feature, "feature is null");
            requireNonNull(version, "version is null");
        }
    }

    /** Marks kept in memory (tests, and a store-less setup where every run starts over). */
    static MaterializationMarks inMemory() {
        Map<String, Map<Slot, String>> byEnvironment = new ConcurrentHashMap<>();
        return new MaterializationMarks() {
            @Override
            public Map<Slot, String> load(String environment) {
                return Map.copyOf(
                        Optional.ofNullable(byEnvironment.get(environment)).orElse(Map.of()));
            }

            @Override
            public void save(String environment, Map<Slot, String> markers) {
                byEnvironment
                        .computeIfAbsent(environment, e -> new ConcurrentHashMap<>())
                        .putAll(markers);
            }

            @Override
            public Set<String> all() {
                Set<String> out = new HashSet<>();
                byEnvironment.values().forEach(m -> out.addAll(m.values()));
                return Set.copyOf(out);
            }
        };
    }
}
