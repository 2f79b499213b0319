package dev.slate.featurelog;

import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.OfflineStoreCapability;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records what the shipper appends, and can be switched to fail, as an unavailable offline store
 * would. (The real Iceberg store is exercised by the appliance tests; here the subject is the spool.)
 */
final class RecordingOfflineStore implements OfflineStore {
    final List<ObservedValue> appended = new ArrayList<>();
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger failedCalls = new AtomicInteger();

    @Override
    public Set<OfflineStoreCapability> capabilities() {
        return Set.of();
    }

    @Override
    public synchronized void append(List<ObservedValue> values) {
        if (failing.get()) {
            failedCalls.incrementAndGet();
            throw new IllegalStateException("offline store unavailable");
        }
        appended.addAll(values);
    }

    synchronized List<ObservedValue> snapshot() {
        return List.copyOf(appended);
    }

    @Override
    public PointInTimeResult lookup(PointInTimeQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long history(dev.slate.storage.spi.offline.HistoryQuery query,
            java.util.function.Consumer<dev.slate.storage.spi.offline.HistoryObservation> sink) {
        throw new UnsupportedOperationException();
    }

    @Override
    public dev.slate.storage.spi.offline.ExportResult export(dev.slate.storage.spi.offline.PointInTimeExport request,
            dev.slate.storage.spi.offline.ExportControl control) {
        throw new UnsupportedOperationException();
    }

    @Override
    public dev.slate.storage.spi.offline.LatestValuesResult latestValues(dev.slate.storage.spi.offline.LatestValuesQuery query,
            java.util.function.Consumer<dev.slate.storage.spi.offline.LatestValue> sink) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void dropNamespace(String namespace) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ping() {
    }

    @Override
    public void close() {
    }
}
