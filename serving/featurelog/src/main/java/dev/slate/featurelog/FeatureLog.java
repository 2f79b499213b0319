package dev.slate.featurelog;

import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import java.util.List;

/**
 * Every value Slate computes, on its way to the offline store: a durable local spool written off the
 * response path ({@link FeatureLogSpool}) and a background shipper ({@link FeatureLogShipper}). Serving
 * calls {@link #offer} and moves on; a slow or unavailable offline store only grows the backlog on disk,
 * which {@link #stats()} reports.
 */
public final class FeatureLog implements AutoCloseable {

    private final FeatureLogSpool spool;
    private final FeatureLogShipper shipper;

    public FeatureLog(FeatureLogConfig config, OfflineStore store) {
        this.spool = new FeatureLogSpool(config);
        this.shipper = new FeatureLogShipper(spool, store, config);
    }

    /** Takes values for the offline store without blocking; false when they had to be dropped. */
    public boolean offer(List<ObservedValue> values) {
        return spool.offer(values);
    }

    /** Takes a lazy batch (built on the spool's writer thread) without blocking; false when it had to be dropped. */
    public boolean offer(LogBatch values) {
        return spool.offer(values);
    }

    public FeatureLogStats stats() {
        return new FeatureLogStats(spool.accepted(), spool.dropped(), spool.queued(), spool.spooled(), shipper.shipped(),
                shipper.pendingSegments(), spool.pendingBytes(), shipper.damaged(), shipper.lastError(), shipper.lastShippedAt());
    }

    /** Writes and seals what is queued, makes one last attempt to ship it, and stops both threads. */
    @Override
    public void close() {
        spool.close();
        shipper.close();
    }
}
