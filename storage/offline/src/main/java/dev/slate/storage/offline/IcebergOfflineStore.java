package dev.slate.storage.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportResult;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.HistoryObservation;
import dev.slate.storage.spi.offline.HistoryQuery;
import dev.slate.storage.spi.offline.LatestValue;
import dev.slate.storage.spi.offline.LatestValuesQuery;
import dev.slate.storage.spi.offline.LatestValuesResult;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.OfflineStoreCapability;
import dev.slate.storage.spi.offline.OfflineTimes;
import dev.slate.storage.spi.offline.PointInTimeExport;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.InclusiveMetricsEvaluator;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.duckdb.DuckDBConnection;

/**
 * The offline store on an Apache Iceberg table ({@code feature_log}, layout in
 * {@code docs/specs/offline-store-iceberg.md}): catalog metadata in PostgreSQL (Iceberg's JDBC catalog), data
 * files in Parquet under a local warehouse directory, written and read by an embedded DuckDB. Several stores
 * (processes) may share one table: Iceberg's optimistic commits serialise their appends, and a counter in the
 * catalog database orders them.
 */
public final class IcebergOfflineStore implements OfflineStore, OfflineTableMaintenance {

    private final IcebergOfflineStoreConfig config;
    private final JdbcCatalog catalog;
    private final TableIdentifier identifier;
    private final Table table;
    private final WriteSequence writeSequence;
    private final EmbeddedDuckDb duckDb;
    private final EmbeddedDuckDb writeDuckDb;
    private final DataFileWriter writer;
    private final Clock clock;
    /** Spine and feature rows up to which exports match in Java ({@link PointInTimeMerge}); tests lower it to reach the SQL path. */
    private volatile long mergeRowLimit = PointInTimeMerge.MAX_ROWS;
    /** Guards the shared {@link Table} object: refreshes, scans planning and commits. */
    private final ReentrantLock tableLock = new ReentrantLock();
    /** Serialises this store's compactions and expiries. */
    private final ReentrantLock maintenanceLock = new ReentrantLock();
    /** Snapshot timestamps (ms) that running reads may use: expiry keeps them and every newer snapshot. */
    private final Map<Long, Long> readPins = new ConcurrentHashMap<>();

    private final AtomicLong pinIds = new AtomicLong();

    public IcebergOfflineStore(IcebergOfflineStoreConfig config) {
        this(config, Clock.systemUTC());
    }

    IcebergOfflineStore(IcebergOfflineStoreConfig config, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        JdbcCatalog jdbcCatalog = null;
        WriteSequence sequence = null;
        EmbeddedDuckDb duck = null;
        EmbeddedDuckDb writeDuck = null;
        try {
            createDirectories(config.warehousePath());
            jdbcCatalog = new JdbcCatalog(properties -> new LocalFileIO(), null, true);
            jdbcCatalog.initialize(config.catalogName(), catalogProperties(config));
            identifier = TableIdentifier.of(Namespace.of(config.tableNamespace()), FeatureLogLayout.TABLE_NAME);
            table = loadOrCreateTable(jdbcCatalog, identifier);
            checkLayout(table);
            sequence = new WriteSequence(
                    config.jdbcUrl(), jdbcProperties(config), config.catalogName() + "." + identifier);
            duck = openDuckDb(Map.of());
            // appends get a DuckDB of their own with one thread: the feature log appends while the appliance serves,
            // and
            // a write must never take every core from the queries (reads keep one thread per core)
            writeDuck = openDuckDb(Map.of("threads", "1"));
            writer = new DataFileWriter(
                    writeDuck,
                    table.spec(),
                    table.sortOrder(),
                    LocalFileIO.toPath(table.location()).resolve("data"));
        } catch (RuntimeException e) {
            closeAll(writeDuck, duck, sequence, jdbcCatalog);
            throw e;
        }
        this.writeDuckDb = writeDuck;
        this.catalog = jdbcCatalog;
        this.writeSequence = sequence;
        this.duckDb = duck;
    }

    private static EmbeddedDuckDb openDuckDb(Map<String, String> settings) {
        try {
            return EmbeddedDuckDb.open(null, "slate-duckdb-", settings);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start DuckDB: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> catalogProperties(IcebergOfflineStoreConfig config) {
        Map<String, String> p = new HashMap<>();
        p.put("uri", config.jdbcUrl());
        p.put("warehouse", config.warehouse());
        p.put("jdbc.user", config.jdbcUser());
        config.jdbcPassword().ifPresent(password -> p.put("jdbc.password", password));
        p.put("jdbc.schema-version", "V1");
        return p;
    }

    private static Properties jdbcProperties(IcebergOfflineStoreConfig config) {
        Properties p = new Properties();
        p.setProperty("user", config.jdbcUser());
        config.jdbcPassword().ifPresent(password -> p.setProperty("password", password));
        return p;
    }

    private static Table loadOrCreateTable(JdbcCatalog catalog, TableIdentifier identifier) {
        if (!catalog.namespaceExists(identifier.namespace())) {
            try {
                catalog.createNamespace(identifier.namespace());
            } catch (AlreadyExistsException e) {
                // created by another store at the same time
            }
        }
        if (catalog.tableExists(identifier)) {
            return catalog.loadTable(identifier);
        }
        try {
            return catalog.buildTable(identifier, FeatureLogLayout.SCHEMA)
                    .withPartitionSpec(FeatureLogLayout.SPEC)
                    .withSortOrder(FeatureLogLayout.SORT_ORDER)
                    .withProperties(FeatureLogLayout.TABLE_PROPERTIES)
                    .create();
        } catch (AlreadyExistsException e) {
            return catalog.loadTable(identifier);
        }
    }

    /** Refuses a table whose layout this code does not know, rather than misreading it. */
    private static void checkLayout(Table table) {
        String version = table.properties().get("slate.layout-version");
        if (!Integer.toString(FeatureLogLayout.LAYOUT_VERSION).equals(version)) {
            throw new OfflineStoreException(
                    "table " + table.name() + " has feature-log layout version " + version
                            + "; this Slate reads version " + FeatureLogLayout.LAYOUT_VERSION,
                    null);
        }
        if (!table.spec().compatibleWith(FeatureLogLayout.SPEC)
                || !table.schema().sameSchema(FeatureLogLayout.SCHEMA)) {
            throw new OfflineStoreException(
                    "table " + table.name() + " does not have the feature-log schema and partitioning", null);
        }
    }

    @Override
    public Set<OfflineStoreCapability> capabilities() {
        return Set.of(OfflineStoreCapability.DURABLE);
    }

    @Override
    public void append(List<ObservedValue> values) {
        requireNonNull(values, "values is null");
        if (values.isEmpty()) {
            return;
        }
        long firstSeq = writeSequence.reserve(values.size());
        Instant writtenAt = clock.instant();
        List<DataFile> files = writer.write(values, firstSeq, writtenAt);
        tableLock.lock();
        try {
            AppendFiles append = table.newAppend();
            files.forEach(append::appendFile);
            append.set("slate.operation", "append");
            append.commit();
        } catch (RuntimeException e) {
            files.forEach(DataFileWriter::deleteQuietly);
            throw new OfflineStoreException(
                    "cannot commit " + files.size() + " data files to " + identifier + ": " + e.getMessage(), e);
        } finally {
            tableLock.unlock();
        }
    }

    @Override
    public PointInTimeResult lookup(PointInTimeQuery query) {
        requireNonNull(query, "query is null");
        int n = query.spine().size();
        if (n == 0) {
            return new PointInTimeResult(List.of());
        }
        List<String> keys = new ArrayList<>(n);
        long[] inputMicros = new long[n];
        long minInput = Long.MAX_VALUE;
        long maxInput = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            keys.add(FeatureLogLayout.encodeKey(query.spine().get(i).key()));
            long t = ValueCodec.toEpochMicros(query.spine().get(i).inputTime());
            inputMicros[i] = t;
            minInput = Math.min(minInput, t);
            maxInput = Math.max(maxInput, t);
        }
        long maxInputMicros = maxInput;
        long minInputMicros = minInput;
        return pinned(() -> {
            List<PointInTimeJoin.FeatureFiles> features =
                    planFiles(query.namespace(), query.entity(), query.features(), minInputMicros, maxInputMicros);
            try (DuckDBConnection c = duckDb.connect()) {
                return PointInTimeJoin.run(c, query, keys, inputMicros, features);
            } catch (SQLException e) {
                throw new OfflineStoreException("point-in-time lookup failed: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Runs a read while the snapshot it will plan from (or an older one) is pinned: {@link #expireSnapshots} keeps
     * it and every newer snapshot, so the files the read found are not deleted under it. The pin is taken under the
     * table lock, as expiry computes what to expire, so the two are ordered.
     */
    private <T> T pinned(Supplier<T> read) {
        long id = pinIds.incrementAndGet();
        tableLock.lock();
        try {
            Snapshot current = table.currentSnapshot();
            readPins.put(id, current == null ? Long.MIN_VALUE : current.timestampMillis());
        } finally {
            tableLock.unlock();
        }
        try {
            return read.get();
        } finally {
            readPins.remove(id);
        }
    }

    /**
     * Asks Iceberg for the data files that can hold a match of each requested feature: one scan of the current
     * snapshot (partition pruning on namespace, entity, feature and day; metrics pruning on version, type and
     * observation time), then each file is given to the features whose partition it is and whose filter its
     * metrics admit.
     */
    List<PointInTimeJoin.FeatureFiles> planFiles(
            String namespace, String entity, List<FeatureLookup> lookups, long minInput, long maxInput) {
        long earliest = ValueCodec.toEpochMicros(OfflineTimes.MIN);
        int count = lookups.size();
        long[] low = new long[count];
        List<InclusiveMetricsEvaluator> evaluators = new ArrayList<>(count);
        List<List<String>> paths = new ArrayList<>(count);
        long[] records = new long[count];
        Expression any = Expressions.alwaysFalse();
        for (int f = 0; f < count; f++) {
            FeatureLookup lookup = lookups.get(f);
            low[f] = lookup.maxStaleness()
                    .map(d -> Math.max(earliest, minInput - PointInTimeJoin.micros(d)))
                    .orElse(earliest);
            Expression filter = Expressions.and(
                    Expressions.equal(FeatureLogLayout.NAMESPACE, namespace),
                    Expressions.equal(FeatureLogLayout.ENTITY, entity),
                    Expressions.equal(FeatureLogLayout.FEATURE, lookup.slot().feature()),
                    Expressions.equal(
                            FeatureLogLayout.FEATURE_VERSION, lookup.slot().version()),
                    Expressions.equal(
                            FeatureLogLayout.VALUE_TYPE, lookup.slot().type().spelling()),
                    Expressions.greaterThanOrEqual(FeatureLogLayout.OBSERVED_AT, low[f]),
                    Expressions.lessThanOrEqual(FeatureLogLayout.OBSERVED_AT, maxInput));
            evaluators.add(new InclusiveMetricsEvaluator(FeatureLogLayout.SCHEMA, filter));
            paths.add(new ArrayList<>());
            any = Expressions.or(any, filter);
        }
        tableLock.lock();
        try {
            table.refresh();
            if (table.currentSnapshot() != null && count > 0) {
                int specId = table.spec().specId();
                try (CloseableIterable<FileScanTask> tasks =
                        table.newScan().filter(any).includeColumnStats().planFiles()) {
                    for (FileScanTask task : tasks) {
                        DataFile file = task.file();
                        if (!task.deletes().isEmpty() || file.specId() != specId) {
                            throw new OfflineStoreException(
                                    "table " + identifier + " holds files this store cannot read (row-level deletes or"
                                            + " another partitioning)",
                                    null);
                        }
                        String path = LocalFileIO.toPath(file.location()).toString();
                        for (int f = 0; f < count; f++) {
                            if (inPartition(file, namespace, entity, lookups.get(f))
                                    && evaluators.get(f).eval(file)) {
                                paths.get(f).add(path);
                                records[f] += file.recordCount();
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        } finally {
            tableLock.unlock();
        }
        List<PointInTimeJoin.FeatureFiles> out = new ArrayList<>(count);
        for (int f = 0; f < count; f++) {
            out.add(new PointInTimeJoin.FeatureFiles(lookups.get(f), paths.get(f), records[f], low[f], maxInput));
        }
        return out;
    }

    /** A file of the table's partitioning holds one namespace, entity and feature (identity partitions 0, 1, 2). */
    private static boolean inPartition(DataFile file, String namespace, String entity, FeatureLookup lookup) {
        return namespace.equals(file.partition().get(0, String.class))
                && entity.equals(file.partition().get(1, String.class))
                && lookup.slot().feature().equals(file.partition().get(2, String.class));
    }

    @Override
    public ExportResult export(PointInTimeExport request, ExportControl control) {
        requireNonNull(request, "request is null");
        requireNonNull(control, "control is null");
        return pinned(() -> new PointInTimeExportRun(this::planFiles, duckDb, request, control, mergeRowLimit).run());
    }

    /** For tests: exports with more spine or feature rows than this take the SQL-only ASOF path. */
    void mergeRowLimit(long rows) {
        mergeRowLimit = rows;
    }

    @Override
    public LatestValuesResult latestValues(LatestValuesQuery query, Consumer<LatestValue> sink) {
        requireNonNull(query, "query is null");
        requireNonNull(sink, "sink is null");
        return pinned(() -> {
            LatestValuesScan.Plan plan;
            tableLock.lock();
            try {
                table.refresh();
                plan = LatestValuesScan.plan(table, query);
            } finally {
                tableLock.unlock();
            }
            try (DuckDBConnection c = duckDb.connect()) {
                return LatestValuesScan.run(c, query, plan, sink);
            } catch (SQLException e) {
                throw new OfflineStoreException("latest-values read failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public long history(HistoryQuery query, Consumer<HistoryObservation> sink) {
        requireNonNull(query, "query is null");
        requireNonNull(sink, "sink is null");
        List<FeatureLookup> lookups =
                query.features().stream().map(FeatureLookup::latest).toList();
        long until = ValueCodec.toEpochMicros(query.until());
        return pinned(() -> {
            List<PointInTimeJoin.FeatureFiles> files =
                    planFiles(query.namespace(), query.entity(), lookups, until, until);
            try (DuckDBConnection c = duckDb.connect()) {
                return HistoryScan.run(c, query, files, sink);
            } catch (SQLException e) {
                throw new OfflineStoreException("history read failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public CompactionResult compact(CompactionOptions options) {
        return compact(options, () -> {});
    }

    /** For tests: {@code beforeCommit} runs between writing the compacted files and committing them. */
    CompactionResult compact(CompactionOptions options, Runnable beforeCommit) {
        requireNonNull(options, "options is null");
        maintenanceLock.lock();
        try {
            return new FeatureLogCompaction(table, tableLock, duckDb, beforeCommit).run(options);
        } finally {
            maintenanceLock.unlock();
        }
    }

    @Override
    public SnapshotExpiry.Result expireSnapshots(SnapshotExpiry expiry) {
        requireNonNull(expiry, "expiry is null");
        maintenanceLock.lock();
        try {
            List<String> deleted = new ArrayList<>();
            int expired;
            tableLock.lock();
            try {
                table.refresh();
                if (table.currentSnapshot() == null) {
                    return new SnapshotExpiry.Result(0, 0, 0);
                }
                long olderThan = clock.millis() - expiry.retention().toMillis();
                for (long pin : readPins.values()) {
                    olderThan = Math.min(olderThan, pin);
                }
                int before = count(table.snapshots());
                // the files are only collected here and deleted after the lock is released (appends wait for it)
                table.expireSnapshots()
                        .expireOlderThan(olderThan)
                        .retainLast(expiry.retainLast())
                        .deleteWith(deleted::add)
                        .commit();
                table.refresh();
                expired = before - count(table.snapshots());
            } finally {
                tableLock.unlock();
            }
            int data = 0;
            LocalFileIO io = new LocalFileIO();
            for (String location : deleted) {
                io.deleteFile(location);
                if (location.endsWith(".parquet")) {
                    data++;
                }
            }
            return new SnapshotExpiry.Result(expired, data, deleted.size() - data);
        } finally {
            maintenanceLock.unlock();
        }
    }

    private static int count(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }

    @Override
    public void dropNamespace(String namespace) {
        requireNonNull(namespace, "namespace is null");
        tableLock.lock();
        try {
            table.refresh();
            if (table.currentSnapshot() == null) {
                return;
            }
            // namespace is an identity partition: whole files match, so this is a metadata-only delete
            table.newDelete()
                    .deleteFromRowFilter(Expressions.equal(FeatureLogLayout.NAMESPACE, namespace))
                    .commit();
        } finally {
            tableLock.unlock();
        }
    }

    @Override
    public void ping() {
        writeSequence.ping();
    }

    /** The data files of the current snapshot (for tests and tools). */
    List<DataFile> liveDataFiles() {
        tableLock.lock();
        try {
            table.refresh();
            List<DataFile> out = new ArrayList<>();
            if (table.currentSnapshot() == null) {
                return out;
            }
            try (CloseableIterable<FileScanTask> tasks =
                    table.newScan().includeColumnStats().planFiles()) {
                tasks.forEach(t -> out.add(t.file().copy()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        } finally {
            tableLock.unlock();
        }
    }

    /** The operation of the current snapshot ({@code append}, {@code replace}, …), for tests. */
    Optional<String> currentOperation() {
        tableLock.lock();
        try {
            table.refresh();
            return Optional.ofNullable(table.currentSnapshot()).map(Snapshot::operation);
        } finally {
            tableLock.unlock();
        }
    }

    /** The Iceberg table identifier (for tools and tests). */
    public String tableName() {
        return config.catalogName() + "." + identifier;
    }

    /**
     * Removes the table with all its files, the write sequence and, when empty, the namespace: for tests and
     * for decommissioning. The store is closed afterwards.
     */
    public void dropTableAndClose() {
        try {
            tableLock.lock();
            try {
                catalog.dropTable(identifier, true);
            } finally {
                tableLock.unlock();
            }
            writeSequence.drop();
            try {
                catalog.dropNamespace(identifier.namespace());
            } catch (RuntimeException e) {
                // another table still lives in the namespace
            }
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        closeAll(writeDuckDb, duckDb, writeSequence, catalog);
    }

    private static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing releases local resources only; nothing is lost
                }
            }
        }
    }

    private static void createDirectories(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create warehouse directory " + path, e);
        }
    }

    @Override
    public String toString() {
        return "IcebergOfflineStore[" + config + "]";
    }
}
