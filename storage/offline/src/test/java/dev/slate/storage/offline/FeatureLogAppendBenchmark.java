package dev.slate.storage.offline;

import com.sun.management.OperatingSystemMXBean;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SourceKind;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A measurement, not a test: the cost of the feature log's appends as the shipper makes them (batches of
 * {@code values} values spread over {@code features} features of many entities, like the online (c) load:
 * one query computes 100 features of one entity). Reports values/s and process CPU per batch.
 * Usage: FeatureLogAppendBenchmark [batches=20] [values=100000] [features=100]
 */
public final class FeatureLogAppendBenchmark {
    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perBatch = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int features = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        TestCatalog catalog = new TestCatalog();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (IcebergOfflineStore store = catalog.open()) {
            List<FeatureSlot> slots = new ArrayList<>();
            for (int f = 0; f < features; f++) {
                slots.add(new FeatureSlot(
                        "f" + f, "v1", f % 2 == 0 ? FeatureType.Scalar.FLOAT : FeatureType.Scalar.STRING));
            }
            Random random = new Random(11);
            Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
            long entity = 0;
            long totalNanos = 0;
            long totalCpu = 0;
            for (int b = 0; b < batches + 2; b++) {
                List<ObservedValue> values = new ArrayList<>(perBatch);
                while (values.size() < perBatch) {
                    entity++;
                    Provenance p = new Provenance(
                            SourceKind.COMPUTED, Optional.of("q-" + entity), Optional.of("r"), Optional.of("dep-1"));
                    Instant at = t0.plusMillis(entity * 20);
                    for (int f = 0; f < features && values.size() < perBatch; f++) {
                        FeatureSlot s = slots.get(f);
                        Object v = s.type() == FeatureType.Scalar.FLOAT
                                ? (Object) random.nextDouble()
                                : "s" + random.nextInt(1000);
                        values.add(new ObservedValue(
                                "bench", "live", EntityKey.of((long) random.nextInt(1_000_000)), s, v, at, p));
                    }
                }
                long cpu0 = os.getProcessCpuTime();
                long t = System.nanoTime();
                store.append(values);
                long nanos = System.nanoTime() - t;
                long cpu = os.getProcessCpuTime() - cpu0;
                if (b >= 2) { // two warm-up batches
                    totalNanos += nanos;
                    totalCpu += cpu;
                }
            }
            double seconds = totalNanos / 1e9;
            System.out.printf(
                    "append: %d batches x %,d values over %d features: %,.0f values/s wall, %.0f ms wall and %.0f ms CPU per batch"
                            + " (%.2f CPU-s per 100,000 values); load average %.2f%n",
                    batches,
                    perBatch,
                    features,
                    (double) batches * perBatch / seconds,
                    totalNanos / 1e6 / batches,
                    totalCpu / 1e6 / batches,
                    totalCpu / 1e9 / batches * 100_000 / perBatch,
                    os.getSystemLoadAverage());
        } finally {
            catalog.drop();
        }
    }
}
