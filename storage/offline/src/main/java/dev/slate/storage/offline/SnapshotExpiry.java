package dev.slate.storage.offline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What {@link OfflineTableMaintenance#expireSnapshots} removes: snapshots older than {@code retention}, always
 * keeping the last {@code retainLast} snapshots and every snapshot a read of this store is still using.
 *
 * @param retention how long a snapshot stays readable after a newer one replaced it; must exceed the longest read
 *     of another process (a replica's offline query, Spark, Trino) of the table
 * @param retainLast snapshots kept whatever their age (at least 1: the current one)
 */
public record SnapshotExpiry(Duration retention, int retainLast) {

    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);
    public static final int DEFAULT_RETAIN_LAST = 5;

    public SnapshotExpiry {
        requireNonNull(retention, "retention is null");
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative, got " + retention);
        }
        if (retainLast < 1) {
            throw new IllegalArgumentException("retainLast must be at least 1, got " + retainLast);
        }
    }

    public static SnapshotExpiry defaults() {
        return new SnapshotExpiry(DEFAULT_RETENTION, DEFAULT_RETAIN_LAST);
    }

    /**
     * What one expiry did.
     *
     * @param snapshotsExpired snapshots removed from the table metadata
     * @param dataFilesDeleted data files no retained snapshot referenced, deleted
     * @param metadataFilesDeleted manifests and manifest lists deleted
     */
    public record Result(int snapshotsExpired, int dataFilesDeleted, int metadataFilesDeleted) {}
}
