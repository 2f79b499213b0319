package dev.slate.serving.featurelog;

import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportResult;
import dev.slate.storage.spi.offline.HistoryObservation;
import dev.slate.storage.spi.offline.HistoryQuery;
import dev.slate.storage.spi.offline.LatestValue;
import dev.slate.storage.spi.offline.LatestValuesQuery;
import dev.slate.storage.spi.offline.LatestValuesResult;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.OfflineStoreCapability;
import dev.slate.storage.spi.offline.PointInTimeExport;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

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
    public long history(HistoryQuery query, Consumer<HistoryObservation> sink) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ExportResult export(PointInTimeExport request, ExportControl control) {
        throw new UnsupportedOperationException();
    }

    @Override
    public LatestValuesResult latestValues(LatestValuesQuery query, Consumer<LatestValue> sink) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void dropNamespace(String namespace) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void ping() {}

    @Override
    public void close() {}
}
