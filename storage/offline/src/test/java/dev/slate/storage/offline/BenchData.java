package dev.slate.storage.offline;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** The synthetic feature log both offline benchmarks load: entities × 10 features × 10 observations. */
final class BenchData {
    static final int FEATURES = 10;
    static final int OBSERVATIONS = 10;
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration STEP = Duration.ofHours(7);

    private BenchData() {}

    /** Features f0..f9, alternately float and int. */
    static List<FeatureSlot> slots() {
        List<FeatureSlot> slots = new ArrayList<>();
        for (int f = 0; f < FEATURES; f++) {
            slots.add(new FeatureSlot("f" + f, "v1", f % 2 == 0 ? FeatureType.Scalar.FLOAT : FeatureType.Scalar.INT));
        }
        return slots;
    }

    /** Appends every observation in batches of 100,000; returns the nanoseconds spent in {@code append}. */
    static long load(IcebergOfflineStore store, List<FeatureSlot> slots, int entities, Random random) {
        long appendNanos = 0;
        List<ObservedValue> batch = new ArrayList<>();
        for (int o = 0; o < OBSERVATIONS; o++) {
            for (int e = 0; e < entities; e++) {
                Instant at = START.plus(STEP.multipliedBy(o)).plusSeconds(random.nextInt(3600));
                for (FeatureSlot slot : slots) {
                    Object value = slot.type() == FeatureType.Scalar.FLOAT
                            ? (Object) random.nextDouble()
                            : (Object) (long) random.nextInt();
                    batch.add(new ObservedValue(
                            "bench", "user", EntityKey.of((long) e), slot, value, at, Provenance.ingested()));
                }
                if (batch.size() >= 100_000) {
                    appendNanos += append(store, batch);
                }
            }
        }
        return appendNanos + append(store, batch);
    }

    private static long append(IcebergOfflineStore store, List<ObservedValue> batch) {
        long t0 = System.nanoTime();
        store.append(batch);
        long took = System.nanoTime() - t0;
        batch.clear();
        return took;
    }

    static List<String> dataFiles(Path warehouse) throws IOException {
        try (Stream<Path> paths = Files.walk(warehouse)) {
            return paths.filter(p -> p.toString().endsWith(".parquet"))
                    .map(Path::toString)
                    .toList();
        }
    }
}
