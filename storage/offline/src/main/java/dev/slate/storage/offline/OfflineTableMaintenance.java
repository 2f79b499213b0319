package dev.slate.storage.offline;

/**
 * Upkeep of the feature-log table that only a file-based store needs: compaction of the small files frequent
 * appends leave, and expiry of old snapshots with the files only they referenced. Not part of the
 * {@code OfflineStore} SPI: other stores have nothing to compact, and neither operation changes what a query
 * answers ({@code docs/specs/offline-store-iceberg.md} §7). Safe to call while the store appends and reads, from
 * this and other processes.
 */
public interface OfflineTableMaintenance {

    /**
     * Rewrites groups of small data files into fewer, larger ones with exactly the same rows, committed as Iceberg
     * {@code replace} snapshots. Appends committed meanwhile are kept; a group whose input files were removed
     * meanwhile is skipped (counted in {@link CompactionResult#conflicts()}).
     */
    CompactionResult compact(CompactionOptions options);

    /** Expires old snapshots and deletes the data and metadata files no remaining snapshot references. */
    SnapshotExpiry.Result expireSnapshots(SnapshotExpiry expiry);
}
