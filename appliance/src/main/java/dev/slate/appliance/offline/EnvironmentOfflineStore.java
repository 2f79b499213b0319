package dev.slate.appliance.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.control.deploy.NamespaceDirectory;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportResult;
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
import java.util.function.Consumer;

/**
 * The offline store as the data plane sees it: callers name the <em>environment</em> where the SPI says namespace,
 * and this adapter puts the namespace that environment chose at create (docs/environments.md, "Namespaces") in
 * its place before the store sees it. With the defaults (the name) calls pass through untouched.
 */
public final class EnvironmentOfflineStore implements OfflineStore {

    private final OfflineStore delegate;
    private final NamespaceDirectory directory;

    EnvironmentOfflineStore(OfflineStore delegate, NamespaceDirectory directory) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The store itself (its table maintenance, its table name). */
    public OfflineStore delegate() {
        return delegate;
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
        List<ObservedValue> out = null;
        for (int i = 0; i < values.size(); i++) {
            ObservedValue v = values.get(i);
            String ns = namespace(v.namespace());
            if (out == null && !ns.equals(v.namespace())) {
                out = new ArrayList<>(values.subList(0, i));
            }
            if (out != null) {
                out.add(ns.equals(v.namespace()) ? v
                        : new ObservedValue(ns, v.entity(), v.key(), v.slot(), v.value(), v.observedAt(), v.provenance()));
            }
        }
        delegate.append(out == null ? values : out);
    }

    @Override
    public PointInTimeResult lookup(PointInTimeQuery q) {
        String ns = namespace(q.namespace());
        return delegate.lookup(ns.equals(q.namespace()) ? q : new PointInTimeQuery(ns, q.entity(), q.spine(), q.features()));
    }

    @Override
    public ExportResult export(PointInTimeExport r, ExportControl control) {
        String ns = namespace(r.namespace());
        return delegate.export(ns.equals(r.namespace()) ? r
                : new PointInTimeExport(ns, r.entity(), r.spine(), r.keyColumns(), r.features(), r.output()), control);
    }

    @Override
    public LatestValuesResult latestValues(LatestValuesQuery q, Consumer<LatestValue> sink) {
        String ns = namespace(q.namespace());
        return delegate.latestValues(ns.equals(q.namespace()) ? q : new LatestValuesQuery(ns, q.entity(), q.features(), q.since(), q.asOf()), sink);
    }

    @Override
    public void dropNamespace(String environment) {
        delegate.dropNamespace(namespace(environment));
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
