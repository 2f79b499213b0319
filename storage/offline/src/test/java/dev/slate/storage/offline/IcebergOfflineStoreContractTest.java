package dev.slate.storage.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ExportCancelledException;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportProgress;
import dev.slate.storage.spi.offline.ExportResult;
import dev.slate.storage.spi.offline.ExportedFeature;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.PointInTimeExport;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SpineRow;
import dev.slate.storage.testing.OfflineStoreContract;
import dev.slate.storage.testing.SpineFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The offline-store contract against real PostgreSQL (catalog) and on-disk Parquet, plus what is specific to Iceberg. */
class IcebergOfflineStoreContractTest extends OfflineStoreContract {

    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

    private static TestCatalog catalog;

    @BeforeAll
    static void createCatalog() {
        catalog = new TestCatalog();
    }

    @AfterAll
    static void dropCatalog() throws Exception {
        catalog.drop();
    }

    @Override
    protected OfflineStore createStore() {
        return catalog.open();
    }

    @Override
    protected String freshNamespaceName() {
        return "test-offline-" + UUID.randomUUID();
    }

    /**
     * The export matches in Java up to a size ({@link PointInTimeMerge}) and with one ASOF join per feature in
     * SQL beyond it; both must write the same file. Random data with ties on the observation time (across and
     * within appends), observed nulls, lists, unknown keys, duplicates and staleness bounds of zero and more.
     */
    @Test
    void exportMergeAndSqlPathsWriteTheSameFile() throws Exception {
        String ns = "merge-" + UUID.randomUUID();
        Random random = new Random(20261129);
        List<FeatureSlot> slots = List.of(
                new FeatureSlot("i", "v1", FeatureType.Scalar.INT),
                new FeatureSlot("f", "v1", FeatureType.Scalar.FLOAT),
                new FeatureSlot("s", "v1", FeatureType.Scalar.STRING),
                new FeatureSlot("l", "v1", new FeatureType.ListOf(FeatureType.Scalar.INT)),
                new FeatureSlot("t", "v1", FeatureType.Scalar.DATETIME),
                new FeatureSlot("b", "v1", FeatureType.Scalar.BOOL));
        Path dir = Files.createTempDirectory("slate-merge-test-");
        try (IcebergOfflineStore merging = catalog.open();
                IcebergOfflineStore sqlOnly = catalog.open()) {
            sqlOnly.mergeRowLimit(0);
            for (int batch = 0; batch < 4; batch++) {
                List<ObservedValue> values = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    FeatureSlot slot = slots.get(random.nextInt(slots.size()));
                    int n = batch * 1000 + i;
                    Object value = random.nextInt(8) == 0
                            ? null
                            : switch (slot.feature()) {
                                case "i" -> (long) n;
                                case "f" -> n / 4.0;
                                case "s" -> "v" + n;
                                case "l" -> List.of((long) n, (long) -n);
                                case "t" -> T.plusSeconds(n);
                                default -> n % 2 == 0;
                            };
                    // 20 distinct seconds: many equal observation times, within one append and across appends
                    values.add(new ObservedValue(
                            ns,
                            "user",
                            EntityKey.of("k" + random.nextInt(10)),
                            slot,
                            value,
                            T.plusSeconds(random.nextInt(20)),
                            Provenance.ingested()));
                }
                merging.append(values);
            }
            List<SpineRow> spine = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                spine.add(new SpineRow(
                        EntityKey.of("k" + random.nextInt(12)),
                        T.plusSeconds(random.nextInt(26) - 3).plusNanos(random.nextInt(2) * 500_000_000L)));
            }
            spine.add(spine.get(3));
            Path spineFile = dir.resolve("spine.parquet");
            SpineFiles.write(spineFile, List.of("user.id"), spine);
            List<ExportedFeature> features = new ArrayList<>();
            for (int f = 0; f < slots.size(); f++) {
                FeatureLookup lookup = switch (f % 3) {
                    case 0 -> FeatureLookup.latest(slots.get(f));
                    case 1 -> FeatureLookup.within(slots.get(f), Duration.ofSeconds(4));
                    default -> FeatureLookup.within(slots.get(f), Duration.ZERO);
                };
                features.add(new ExportedFeature(lookup, "user." + slots.get(f).feature()));
            }
            Path a = dir.resolve("merge.parquet");
            Path b = dir.resolve("sql.parquet");
            merging.export(
                    new PointInTimeExport(ns, "user", spineFile, List.of("user.id"), features, a),
                    ExportControl.none());
            sqlOnly.export(
                    new PointInTimeExport(ns, "user", spineFile, List.of("user.id"), features, b),
                    ExportControl.none());
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = c.createStatement()) {
                String rows = "SELECT file_row_number AS r, * FROM read_parquet('%s', file_row_number = true)";
                try (ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM (" + rows.formatted(a)
                        + " EXCEPT ALL " + rows.formatted(b) + ")), (SELECT count(*) FROM ("
                        + rows.formatted(b) + " EXCEPT ALL " + rows.formatted(a)
                        + ")), (SELECT count(*) FROM read_parquet('" + a + "')), "
                        + "(SELECT count(\"user.i\") + count(\"user.f\") + count(\"user.s\") + count(\"user.l\") + count(\"user.t\") + count(\"user.b\") FROM read_parquet('"
                        + a + "'))")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("rows only the merge wrote").isZero();
                    assertThat(rs.getLong(2)).as("rows only the SQL path wrote").isZero();
                    assertThat(rs.getLong(3)).isEqualTo(spine.size());
                    assertThat(rs.getLong(4)).as("values found").isGreaterThan(600);
                }
            }
            merging.dropNamespace(ns);
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void dataFilesArePartitionedAndCarryTheIcebergFieldIds() throws Exception {
        FeatureSlot score = new FeatureSlot("score[1d]", "v'1", FeatureType.Scalar.FLOAT);
        FeatureSlot tags = new FeatureSlot("tags", "v1", new FeatureType.ListOf(FeatureType.Scalar.STRING));
        store().append(List.of(
                observe(1L, score, 0.5, T),
                observe(2L, score, 1.5, T.plus(Duration.ofDays(1))),
                new ObservedValue(
                        namespace(),
                        "user",
                        EntityKey.of("a", "b"),
                        tags,
                        List.of("x", "y"),
                        T,
                        Provenance.computed("q-1", "tags_resolver", "dep-7"))));

        List<DataFile> files = dataFiles(namespace());

        assertThat(files).hasSize(3);
        Map<String, Integer> byPartition = new HashMap<>();
        for (DataFile f : files) {
            assertThat(f.partition().get(0, String.class)).isEqualTo(namespace());
            assertThat(f.partition().get(1, String.class)).isEqualTo("user");
            byPartition.merge(
                    f.partition().get(2, String.class) + "@" + f.partition().get(3, Integer.class), 1, Integer::sum);
            assertThat(f.recordCount()).isEqualTo(1);
            assertThat(f.specId()).as("partition spec id").isEqualTo(0);
            assertThat(f.sortOrderId()).as("sort order id").isEqualTo(1);
            assertThat(Files.exists(LocalFileIO.toPath(f.location()))).isTrue();
        }
        int day = (int) (T.getEpochSecond() / 86_400);
        assertThat(byPartition).containsOnlyKeys("score[1d]@" + day, "score[1d]@" + (day + 1), "tags@" + day);

        DataFile tagsFile = files.stream()
                .filter(f -> f.partition().get(2, String.class).equals("tags"))
                .findFirst()
                .orElseThrow();
        Map<String, Integer> fieldIds = new HashMap<>();
        Map<String, Object> row = new HashMap<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = duck.createStatement()) {
            String path = SqlQuoting.literal(LocalFileIO.toPath(tagsFile.location()));
            try (ResultSet rs = st.executeQuery(
                    "SELECT name, field_id FROM parquet_schema(" + path + ") WHERE field_id IS NOT NULL")) {
                while (rs.next()) {
                    fieldIds.put(rs.getString(1), rs.getInt(2));
                }
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT entity_key, value_list, value_type, source, query_id, resolver, deployment_id, "
                            + "epoch_us(observed_at) AS observed FROM " + path)) {
                assertThat(rs.next()).isTrue();
                for (String column : List.of(
                        "entity_key",
                        "value_list",
                        "value_type",
                        "source",
                        "query_id",
                        "resolver",
                        "deployment_id",
                        "observed")) {
                    row.put(column, rs.getObject(column));
                }
            }
        }
        Map<String, Integer> expectedIds = new HashMap<>();
        for (Types.NestedField field : FeatureLogLayout.SCHEMA.columns()) {
            expectedIds.put(field.name(), field.fieldId());
        }
        assertThat(fieldIds).isEqualTo(expectedIds);
        assertThat(row)
                .containsEntry("entity_key", "s1:as1:b")
                .containsEntry("value_list", "1:x1:y")
                .containsEntry("value_type", "list<string>")
                .containsEntry("source", "computed")
                .containsEntry("query_id", "q-1")
                .containsEntry("resolver", "tags_resolver")
                .containsEntry("deployment_id", "dep-7")
                .containsEntry("observed", T.getEpochSecond() * 1_000_000L);
    }

    @Test
    void aLookupReadsOnlyTheFilesOfItsFeaturesAndTimeRange() throws Exception {
        FeatureSlot a = slot("a", FeatureType.Scalar.INT);
        FeatureSlot b = slot("b", FeatureType.Scalar.INT);
        Instant old = T.minus(Duration.ofDays(30));
        store().append(List.of(observe(1L, a, 1L, old), observe(1L, a, 2L, T), observe(1L, b, 3L, T)));
        store().append(List.of(observe(1L, a, 4L, T.plus(Duration.ofDays(5)))));

        // remove from disk every file a correct plan never needs: b's, a's old day, a's future day
        for (DataFile f : dataFiles(namespace())) {
            boolean needed = f.partition().get(2, String.class).equals("a")
                    && f.partition().get(3, Integer.class) == (int) (T.getEpochSecond() / 86_400);
            if (!needed) {
                Files.delete(LocalFileIO.toPath(f.location()));
            }
        }

        PointInTimeQuery query =
                new PointInTimeQuery(namespace(), "user", List.of(row(1L, T)), List.of(within(a, Duration.ofDays(1))));
        assertThat(store().lookup(query).get(0, 0)).isEqualTo(new StoredValue(2L, T));
        PointInTimeQuery unbounded = new PointInTimeQuery(namespace(), "user", List.of(row(1L, T)), List.of(latest(a)));
        assertThatThrownBy(() -> store().lookup(unbounded))
                .as("an unbounded lookback must read the old day")
                .isInstanceOf(OfflineStoreException.class);
    }

    @Test
    void twoStoresCommittingAtOnceBothLand() throws Exception {
        FeatureSlot score = slot("score", FeatureType.Scalar.INT);
        int stores = 3;
        int appends = 6;
        List<IcebergOfflineStore> writers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(stores);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int s = 0; s < stores; s++) {
                writers.add(catalog.open());
            }
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < stores; s++) {
                IcebergOfflineStore writer = writers.get(s);
                int id = s;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < appends; i++) {
                        writer.append(List.of(observe("s" + id, score, (long) i, T.plusSeconds(i))));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            writers.forEach(IcebergOfflineStore::close);
        }
        for (int s = 0; s < stores; s++) {
            for (int i = 0; i < appends; i++) {
                PointInTimeQuery q = new PointInTimeQuery(
                        namespace(), "user", List.of(row("s" + s, T.plusSeconds(i))), List.of(latest(score)));
                assertThat(store().lookup(q).get(0, 0)).isEqualTo(new StoredValue((long) i, T.plusSeconds(i)));
            }
        }
    }

    @Test
    void theWriteSequenceOrdersAppendsOfDifferentStores() throws Exception {
        FeatureSlot score = slot("score", FeatureType.Scalar.INT);
        try (IcebergOfflineStore other = catalog.open()) {
            store().append(List.of(observe("k", score, 1L, T)));
            other.append(List.of(observe("k", score, 2L, T)));
            store().append(List.of(observe("j", score, 3L, T)));
            other.append(List.of(observe("j", score, 4L, T)));
        }
        PointInTimeQuery q =
                new PointInTimeQuery(namespace(), "user", List.of(row("k", T), row("j", T)), List.of(latest(score)));
        assertThat(store().lookup(q).rows())
                .containsExactly(List.of(new StoredValue(2L, T)), List.of(new StoredValue(4L, T)));
    }

    @Test
    void anExportCancelledWhileDuckDbRunsStopsAndLeavesNoFile() throws Exception {
        FeatureSlot score = slot("score", FeatureType.Scalar.INT);
        List<ObservedValue> values = new ArrayList<>();
        for (long k = 0; k < 2000; k++) {
            values.add(observe(k, score, k, T.minusSeconds(k)));
        }
        store().append(values);
        Path spine = directory.resolve("big-spine.parquet");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = duck.createStatement()) {
            st.execute(
                    "COPY (SELECT range % 3000 AS \"user.id\", TIMESTAMPTZ '2026-03-01 12:00:00+00' - to_microseconds(range % 100000) AS input_time"
                            + " FROM range(6000000)) TO '" + spine + "' (FORMAT PARQUET)");
        }
        Path output = directory.resolve("big-out.parquet");
        CountDownLatch joining = new CountDownLatch(1);
        ExportControl control = new ExportControl(p -> {
            if (p.stage() == ExportProgress.Stage.JOINING) {
                joining.countDown();
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ExportResult> running = pool.submit(() -> store().export(
                            new PointInTimeExport(
                                    namespace(),
                                    "user",
                                    spine,
                                    List.of("user.id"),
                                    List.of(
                                            new ExportedFeature(latest(score), "user.score"),
                                            new ExportedFeature(within(score, Duration.ofHours(1)), "user.recent")),
                                    output),
                            control));
            assertThat(joining.await(60, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);
            control.cancel();

            assertThatThrownBy(() -> running.get(60, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ExportCancelledException.class);
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("big-spine.parquet");
        }
    }

    @Test
    void anExportOfASpineThatIsNotParquetFailsClearly() throws Exception {
        Path spine = directory.resolve("not-parquet.parquet");
        Files.writeString(spine, "user.id,input_time\n1,2026-01-01T00:00:00Z\n");

        assertThatThrownBy(() -> store().export(
                                new PointInTimeExport(
                                        namespace(),
                                        "user",
                                        spine,
                                        List.of("user.id"),
                                        List.of(new ExportedFeature(
                                                latest(slot("score", FeatureType.Scalar.INT)), "user.score")),
                                        directory.resolve("o.parquet")),
                                ExportControl.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("as Parquet");
    }

    @Test
    void aStoreWithAnUnreachableCatalogFailsToOpen() {
        IcebergOfflineStoreConfig unreachable = new IcebergOfflineStoreConfig(
                "jdbc:postgresql://127.0.0.1:1/test",
                "postgres",
                Optional.empty(),
                catalog.config.warehouse(),
                "unreachable",
                "x");
        assertThatThrownBy(() -> new IcebergOfflineStore(unreachable)).isInstanceOf(RuntimeException.class);
    }

    private List<DataFile> dataFiles(String namespace) throws Exception {
        JdbcCatalog jdbc = new JdbcCatalog(p -> new LocalFileIO(), null, false);
        Map<String, String> props = new HashMap<>();
        props.put("uri", TestCatalog.JDBC_URL);
        props.put("jdbc.user", TestCatalog.JDBC_USER);
        props.put("warehouse", catalog.config.warehouse());
        jdbc.initialize(catalog.config.catalogName(), props);
        try {
            Table table = jdbc.loadTable(
                    TableIdentifier.of(Namespace.of(catalog.config.tableNamespace()), FeatureLogLayout.TABLE_NAME));
            List<DataFile> out = new ArrayList<>();
            try (CloseableIterable<FileScanTask> tasks = table.newScan()
                    .filter(Expressions.equal("namespace", namespace))
                    .planFiles()) {
                for (FileScanTask t : tasks) {
                    out.add(t.file());
                }
            }
            return out;
        } finally {
            jdbc.close();
        }
    }
}
