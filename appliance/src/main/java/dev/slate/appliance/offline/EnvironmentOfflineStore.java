package dev.slate.appliance.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.control.deploy.NamespaceDirectory;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The offline store as the data plane sees it: callers name the <em>environment</em> where the SPI says namespace,
 * and this adapter puts the namespace that environment chose at create (docs/environments.md, "Namespaces") in
 * its place, and sends the call to the feature-log table of the Iceberg namespace it chose (one store per such
 * namespace, opened on first use) or to the configured one. With the defaults calls pass through untouched.
 */
public final class EnvironmentOfflineStore implements OfflineStore {

    private final OfflineStore delegate;
    private final Function<String, OfflineStore> openTable;
    private final NamespaceDirectory directory;
    private final Map<String, OfflineStore> tables = new ConcurrentHashMap<>();

    /** @param openTable opens the store of the feature-log table in another Iceberg namespace */
    EnvironmentOfflineStore(
            OfflineStore delegate, Function<String, OfflineStore> openTable, NamespaceDirectory directory) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.openTable = requireNonNull(openTable, "openTable is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The store of the configured table (its table maintenance, its table name). */
    public OfflineStore delegate() {
        return delegate;
    }

    /** The store that holds the feature log of {@code environment}. */
    public OfflineStore storeOf(String environment) {
        return directory
                .of(environment)
                .offlineTableNamespace()
                .map(ns -> tables.computeIfAbsent(ns, openTable))
                .orElse(delegate);
    }

    private String namespace(String environment) {
        return directory.of(environment).offline();
    }

    @Override
    public Set<OfflineStoreCapability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public void append(List<ObservedValue> values) {
        Map<OfflineStore, List<ObservedValue>> byStore = new IdentityHashMap<>();
        for (ObservedValue v : values) {
            byStore.computeIfAbsent(storeOf(v.namespace()), s -> new ArrayList<>())
                    .add(v);
        }
        if (byStore.size() > 1) { // environments with tables of their own: one append per table (each all or nothing)
            byStore.forEach((store, part) -> store.append(renamed(part)));
            return;
        }
        (byStore.isEmpty() ? delegate : byStore.keySet().iterator().next()).append(renamed(values));
    }

    private List<ObservedValue> renamed(List<ObservedValue> values) {
        List<ObservedValue> out = null;
        for (int i = 0; i < values.size(); i++) {
            ObservedValue v = values.get(i);
            String ns = namespace(v.namespace());
            if (out == null && !ns.equals(v.namespace())) {
                out = new ArrayList<>(values.subList(0, i));
            }
            if (out != null) {
                out.add(
                        ns.equals(v.namespace())
                                ? v
                                : new ObservedValue(
                                        ns, v.entity(), v.key(), v.slot(), v.value(), v.observedAt(), v.provenance()));
            }
        }
        return out == null ? values : out;
    }

    @Override
    public PointInTimeResult lookup(PointInTimeQuery q) {
        String ns = namespace(q.namespace());
        return storeOf(q.namespace())
                .lookup(ns.equals(q.namespace()) ? q : new PointInTimeQuery(ns, q.entity(), q.spine(), q.features()));
    }

    @Override
    public ExportResult export(PointInTimeExport r, ExportControl control) {
        String ns = namespace(r.namespace());
        return storeOf(r.namespace())
                .export(
                        ns.equals(r.namespace())
                                ? r
                                : new PointInTimeExport(
                                        ns, r.entity(), r.spine(), r.keyColumns(), r.features(), r.output()),
                        control);
    }

    @Override
    public LatestValuesResult latestValues(LatestValuesQuery q, Consumer<LatestValue> sink) {
        String ns = namespace(q.namespace());
        return storeOf(q.namespace())
                .latestValues(
                        ns.equals(q.namespace())
                                ? q
                                : new LatestValuesQuery(ns, q.entity(), q.features(), q.since(), q.asOf()),
                        sink);
    }

    @Override
    public long history(HistoryQuery q, Consumer<HistoryObservation> sink) {
        String ns = namespace(q.namespace());
        return storeOf(q.namespace())
                .history(
                        ns.equals(q.namespace()) ? q : new HistoryQuery(ns, q.entity(), q.features(), q.until()), sink);
    }

    @Override
    public void dropNamespace(String environment) {
        storeOf(environment).dropNamespace(namespace(environment));
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public void close() {
        tables.values().forEach(OfflineStore::close);
        tables.clear();
        delegate.close();
    }
}
