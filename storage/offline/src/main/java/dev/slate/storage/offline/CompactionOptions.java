package dev.slate.storage.offline;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * What {@link OfflineTableMaintenance#compact} rewrites.
 *
 * @param minInputFiles a group of small files (one partition, feature version and value type) is rewritten only
 *     when it has at least this many files (at least 2)
 * @param targetFileSizeBytes the size compacted files aim at; a file is "small" (a candidate) below 75% of it, and
 *     the small files of a group are packed into files of at most about this size
 * @param readerMarkers the reverse-ETL markers ({@code OfflineStore.latestValues}) readers may resume from: files
 *     added on both sides of one are never merged, so an incremental reader neither re-reads nor misses values
 *     (docs/specs/offline-store-iceberg.md §7). Markers of other stores or tables are ignored.
 */
public record CompactionOptions(int minInputFiles, long targetFileSizeBytes, Set<String> readerMarkers) {

    public static final int DEFAULT_MIN_INPUT_FILES = 8;
    public static final long DEFAULT_TARGET_FILE_SIZE_BYTES = 128L * 1024 * 1024;

    public CompactionOptions {
        if (minInputFiles < 2) {
            throw new IllegalArgumentException("minInputFiles must be at least 2, got " + minInputFiles);
        }
        if (targetFileSizeBytes < 1024) {
            throw new IllegalArgumentException("targetFileSizeBytes must be at least 1024, got " + targetFileSizeBytes);
        }
        readerMarkers = Set.copyOf(requireNonNull(readerMarkers, "readerMarkers is null"));
    }

    /** Defaults: 8 files, 128 MiB, no reader markers. */
    public static CompactionOptions defaults() {
        return new CompactionOptions(DEFAULT_MIN_INPUT_FILES, DEFAULT_TARGET_FILE_SIZE_BYTES, Set.of());
    }

    public CompactionOptions withReaderMarkers(Set<String> markers) {
        return new CompactionOptions(minInputFiles, targetFileSizeBytes, markers);
    }

    /** Files below this size (75% of the target) are small: compaction candidates. */
    public long smallFileThreshold() {
        return targetFileSizeBytes / 4 * 3;
    }
}
