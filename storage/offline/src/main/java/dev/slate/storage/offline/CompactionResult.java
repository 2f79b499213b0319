package dev.slate.storage.offline;

/**
 * What one {@link OfflineTableMaintenance#compact} call did.
 *
 * @param groupsRewritten groups of small files (partition, feature version, type) rewritten
 * @param filesRemoved data files replaced
 * @param filesAdded data files written in their place
 * @param rowsRewritten rows copied
 * @param bytesRemoved size of the replaced files
 * @param bytesAdded size of the new files
 * @param commits Iceberg {@code replace} snapshots committed
 * @param conflicts commits given up because a concurrent change removed an input file (a dropped namespace, another
 *     compaction); their new files were deleted and the next run tries again
 */
public record CompactionResult(
        int groupsRewritten,
        int filesRemoved,
        int filesAdded,
        long rowsRewritten,
        long bytesRemoved,
        long bytesAdded,
        int commits,
        int conflicts) {

    static final CompactionResult NOTHING = new CompactionResult(0, 0, 0, 0, 0, 0, 0, 0);
}
