package dev.slate.serving.featurelog;

import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot of the feature log's counters, for metrics and health.
 *
 * @param acceptedValues values taken from queries since start
 * @param droppedValues values dropped since start because the memory queue or the disk budget was full
 * @param queuedValues values waiting in memory for the writer thread
 * @param spooledValues values written to spool segments since start
 * @param shippedValues values appended to the offline store since start
 * @param pendingSegments segments not yet fully shipped (including the open one)
 * @param pendingBytes disk used by those segments
 * @param damagedSegments segments that ended in an unreadable record (torn by a crash, or damaged)
 * @param lastShipError the offline store's last failure, empty once an append succeeds again
 * @param lastShippedAt when an append last succeeded
 */
public record FeatureLogStats(
        long acceptedValues,
        long droppedValues,
        long queuedValues,
        long spooledValues,
        long shippedValues,
        int pendingSegments,
        long pendingBytes,
        long damagedSegments,
        Optional<String> lastShipError,
        Optional<Instant> lastShippedAt) {}
