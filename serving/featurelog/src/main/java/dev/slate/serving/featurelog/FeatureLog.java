package dev.slate.serving.featurelog;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

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
        this(config, store, values -> {});
    }

    /** @param onShipped told about every batch of values once the offline store took it (on the shipper's thread) */
    public FeatureLog(FeatureLogConfig config, OfflineStore store, Consumer<List<ObservedValue>> onShipped) {
        this.spool = new FeatureLogSpool(config);
        this.shipper = new FeatureLogShipper(spool, store, config, onShipped);
    }

    /** Takes values for the offline store without blocking; false when they had to be dropped. */
    public boolean offer(List<ObservedValue> values) {
        return spool.offer(values);
    }

    /** Takes a lazy batch (built on the spool's writer thread) without blocking; false when it had to be dropped. */
    public boolean offer(LogBatch values) {
        return spool.offer(values);
    }

    /**
     * Takes one query's computed values, encoded on the calling thread into compact off-heap records
     * (docs/specs/feature-log.md); never blocks. {@code values} declares each feature once, then gives its values.
     * Returns false when some values had to be dropped (they are counted).
     */
    public boolean offer(String namespace, String deploymentId, String queryId, Consumer<Block> values) {
        return spool.offer(namespace, deploymentId, queryId, values);
    }

    /** Where a query's values are written: each feature declared once, then its values. */
    public interface Block {
        /** Declares a feature; returns the index its values are given with. */
        int feature(String entity, FeatureSlot slot, String resolver);

        /** One value: the entity key part (a Long or a String), the value in canonical form or null, and when it was computed. */
        void value(int feature, Object key, Object value, Instant observedAt);
    }

    public FeatureLogStats stats() {
        return new FeatureLogStats(
                spool.accepted(),
                spool.dropped(),
                spool.queued(),
                spool.spooled(),
                shipper.shipped(),
                shipper.pendingSegments(),
                spool.pendingBytes(),
                shipper.damaged(),
                shipper.lastError(),
                shipper.lastShippedAt());
    }

    /** Writes and seals what is queued, makes one last attempt to ship it, and stops both threads. */
    @Override
    public void close() {
        spool.close();
        shipper.close();
    }
}
