package dev.slate.serving.featurelog;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the feature log.
 *
 * @param directory where spool segments live (local disk of the replica)
 * @param queueCapacity values that may wait in memory for the writer thread; beyond it values are
 *     dropped (and counted) rather than slowing a query down
 * @param maxSpoolBytes disk the unshipped backlog may use; beyond it new values are dropped (and counted)
 * @param segmentBytes a segment is sealed (and becomes shippable) when it reaches this size ...
 * @param segmentMaxAge ... or this age, whichever comes first
 * @param syncInterval how often written records are forced to the device (a killed process loses
 *     nothing written; this bounds what a power loss can take)
 * @param shipBatchValues most values handed to the offline store in one append
 * @param retryMin first wait after the offline store failed; doubles up to {@code retryMax}
 * @param retryMax longest wait between attempts while the offline store is down
 */
public record FeatureLogConfig(
        Path directory,
        int queueCapacity,
        long maxSpoolBytes,
        long segmentBytes,
        Duration segmentMaxAge,
        Duration syncInterval,
        int shipBatchValues,
        Duration retryMin,
        Duration retryMax) {

    public FeatureLogConfig {
        requireNonNull(directory, "directory is null");
        requireNonNull(segmentMaxAge, "segmentMaxAge is null");
        requireNonNull(syncInterval, "syncInterval is null");
        requireNonNull(retryMin, "retryMin is null");
        requireNonNull(retryMax, "retryMax is null");
        positive("queueCapacity", queueCapacity);
        positive("maxSpoolBytes", maxSpoolBytes);
        positive("segmentBytes", segmentBytes);
        positive("shipBatchValues", shipBatchValues);
        positive("segmentMaxAge", segmentMaxAge.toMillis());
        positive("syncInterval", syncInterval.toMillis());
        positive("retryMin", retryMin.toMillis());
        if (retryMax.compareTo(retryMin) < 0) {
            throw new IllegalArgumentException("retryMax must be at least retryMin");
        }
    }

    /**
     * Off-heap memory for encoded values waiting for the writer thread (docs/specs/feature-log.md): 64 bytes per value
     * of {@link #queueCapacity()}, at least 256 KiB. Buffers are reused, and kept once allocated.
     */
    public long offHeapBytes() {
        return Math.max(256L * 1024, 64L * queueCapacity);
    }

    /** Production defaults: 1M values in memory, 10 GiB of disk, segments of 64 MiB or 2 s. */
    public static FeatureLogConfig defaults(Path directory) {
        return new FeatureLogConfig(
                directory,
                1_000_000,
                10L << 30,
                64L << 20,
                Duration.ofSeconds(2),
                Duration.ofMillis(200),
                100_000,
                Duration.ofMillis(500),
                Duration.ofSeconds(30));
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
