package dev.slate.storage.offline;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportedFeature;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.PointInTimeExport;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SpineRow;
import dev.slate.storage.testing.SpineFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Small appends, as the feature log ships them, before and after compaction (a {@code main}, not a test):
 * {@code appends} appends of {@code values} values over 50 features (about 50 files each), then the file count and
 * the time of a lookup and an export of 10 features, then one compaction and expiry, then the same again.
 * Usage: {@code CompactionBenchmark [appends=500] [values=2000] [runs=3]}. Needs the PostgreSQL of the tests.
 */
public final class CompactionBenchmark {

    private CompactionBenchmark() {}

    public static void main(String[] args) throws Exception {
        int appends = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int perAppend = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int features = 50;
        int entities = 20_000;
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        List<FeatureSlot> slots = new ArrayList<>();
        for (int f = 0; f < features; f++) {
            slots.add(new FeatureSlot("f" + f, "v1", f % 2 == 0 ? FeatureType.Scalar.FLOAT : FeatureType.Scalar.INT));
        }
        TestCatalog catalog = new TestCatalog();
        Path dir = Files.createTempDirectory("slate-compaction-bench-");
        Random random = new Random(42);
        try (IcebergOfflineStore store = catalog.open()) {
            long appendNanos = 0;
            for (int a = 0; a < appends; a++) {
                List<ObservedValue> batch = new ArrayList<>(perAppend);
                // the feature log: each append covers ~2 s of one day's queries
                Instant at = start.plusMillis(2_000L * a);
                for (int i = 0; i < perAppend; i++) {
                    FeatureSlot slot = slots.get(i % features);
                    Object value = slot.type() == FeatureType.Scalar.FLOAT
                            ? (Object) random.nextDouble()
                            : (Object) (long) random.nextInt();
                    batch.add(new ObservedValue(
                            "bench",
                            "user",
                            EntityKey.of((long) random.nextInt(entities)),
                            slot,
                            value,
                            at.plusMillis(random.nextInt(2000)),
                            Provenance.computed("q", "r", "d")));
                }
                long t0 = System.nanoTime();
                store.append(batch);
                appendNanos += System.nanoTime() - t0;
            }
            System.out.printf(
                    "appended %,d values in %d appends: %.1f s (%.0f ms per append)%n",
                    (long) appends * perAppend, appends, appendNanos / 1e9, appendNanos / 1e6 / appends);

            List<SpineRow> spine = new ArrayList<>();
            Instant end = start.plusMillis(2_000L * appends);
            long span = Duration.between(start, end).toMillis();
            for (int i = 0; i < 20_000; i++) {
                spine.add(new SpineRow(EntityKey.of((long) random.nextInt(entities)), start.plusMillis((long)
                        (random.nextDouble() * span))));
            }
            Path spineFile = dir.resolve("spine.parquet");
            SpineFiles.write(spineFile, List.of("user_id"), spine);
            List<FeatureLookup> lookups = new ArrayList<>();
            List<ExportedFeature> exported = new ArrayList<>();
            for (int f = 0; f < 10; f++) {
                FeatureLookup l = f % 3 == 0
                        ? FeatureLookup.within(slots.get(f), Duration.ofMinutes(5))
                        : FeatureLookup.latest(slots.get(f));
                lookups.add(l);
                exported.add(new ExportedFeature(l, "f" + f));
            }
            PointInTimeQuery query = new PointInTimeQuery("bench", "user", spine, lookups);
            PointInTimeExport export = new PointInTimeExport(
                    "bench", "user", spineFile, List.of("user_id"), exported, dir.resolve("out.parquet"));

            report("before", store, query, export, runs);
            long t0 = System.nanoTime();
            CompactionResult c = store.compact(CompactionOptions.defaults());
            long compactNanos = System.nanoTime() - t0;
            System.out.printf(
                    "compaction: %d files -> %d in %d commits, %,d rows, %.1f MB -> %.1f MB, %.1f s%n",
                    c.filesRemoved(),
                    c.filesAdded(),
                    c.commits(),
                    c.rowsRewritten(),
                    c.bytesRemoved() / 1e6,
                    c.bytesAdded() / 1e6,
                    compactNanos / 1e9);
            t0 = System.nanoTime();
            SnapshotExpiry.Result e = store.expireSnapshots(new SnapshotExpiry(Duration.ZERO, 1));
            System.out.printf(
                    "expiry: %d snapshots, %d data files, %d metadata files deleted, %.1f s%n",
                    e.snapshotsExpired(),
                    e.dataFilesDeleted(),
                    e.metadataFilesDeleted(),
                    (System.nanoTime() - t0) / 1e9);
            report("after", store, query, export, runs);
        } finally {
            catalog.drop();
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void report(
            String label, IcebergOfflineStore store, PointInTimeQuery query, PointInTimeExport export, int runs) {
        int files = store.liveDataFiles().size();
        double[] lookup = new double[runs];
        double[] exportTimes = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            store.lookup(query);
            lookup[r] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            store.export(export, ExportControl.none());
            exportTimes[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(lookup);
        Arrays.sort(exportTimes);
        System.out.printf(
                "%s: %d live data files; lookup 20,000 rows x 10 features median %.0f ms (min %.0f); export median %.0f ms (min %.0f)%n",
                label, files, lookup[runs / 2], lookup[0], exportTimes[runs / 2], exportTimes[0]);
    }
}
