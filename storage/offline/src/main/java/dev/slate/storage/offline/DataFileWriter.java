package dev.slate.storage.offline;

import static dev.slate.storage.offline.FeatureLogLayout.DEPLOYMENT_ID;
import static dev.slate.storage.offline.FeatureLogLayout.ENTITY;
import static dev.slate.storage.offline.FeatureLogLayout.ENTITY_KEY;
import static dev.slate.storage.offline.FeatureLogLayout.FEATURE;
import static dev.slate.storage.offline.FeatureLogLayout.FEATURE_VERSION;
import static dev.slate.storage.offline.FeatureLogLayout.NAMESPACE;
import static dev.slate.storage.offline.FeatureLogLayout.OBSERVED_AT;
import static dev.slate.storage.offline.FeatureLogLayout.QUERY_ID;
import static dev.slate.storage.offline.FeatureLogLayout.RESOLVER;
import static dev.slate.storage.offline.FeatureLogLayout.SOURCE;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_BOOL;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_DATE;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_DATETIME;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_FLOAT;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_INT;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_LIST;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_STRING;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_TYPE;
import static dev.slate.storage.offline.FeatureLogLayout.WRITE_SEQ;
import static dev.slate.storage.offline.FeatureLogLayout.WRITTEN_AT;

import dev.slate.storage.duckdb.Directories;
import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.ObservedValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes one append's observations as Parquet data files of the feature-log table: one file per partition
 * (namespace, entity, feature, day of {@code observed_at}) and feature version, sorted by
 * (entity_key, observed_at, write_seq), with Iceberg field ids. DuckDB writes the files (no Hadoop); the
 * Iceberg metrics (counts and bounds) come from the rows themselves.
 */
final class DataFileWriter {

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /**
     * The per-row columns of an append, in Appender order; the first is the file group. What is the same for
     * a whole group (namespace … value type) is in {@link #GROUPS_DDL}, and {@code written_at} is the same for
     * the whole append: neither is appended row by row.
     */
    private static final String STAGING_DDL = "CREATE TEMP TABLE staging (grp INTEGER, "
            + ENTITY_KEY + " VARCHAR, " + VALUE_INT + " BIGINT, " + VALUE_FLOAT + " DOUBLE, "
            + VALUE_STRING + " VARCHAR, " + VALUE_BOOL + " BOOLEAN, " + VALUE_DATETIME + " TIMESTAMPTZ, " + VALUE_DATE
            + " DATE, "
            + VALUE_LIST + " VARCHAR, " + OBSERVED_AT + " TIMESTAMPTZ, " + WRITE_SEQ + " BIGINT, "
            + SOURCE + " VARCHAR, " + QUERY_ID + " VARCHAR, " + RESOLVER + " VARCHAR, " + DEPLOYMENT_ID + " VARCHAR)";

    private static final String GROUPS_DDL =
            "CREATE TEMP TABLE file_groups (grp INTEGER, " + NAMESPACE + " VARCHAR, " + ENTITY + " VARCHAR, " + FEATURE
                    + " VARCHAR, " + FEATURE_VERSION + " VARCHAR, " + VALUE_TYPE + " VARCHAR)";

    private static final Set<String> GROUP_COLUMNS = Set.of(NAMESPACE, ENTITY, FEATURE, FEATURE_VERSION, VALUE_TYPE);

    /** The data file's columns in schema order, from the staging row, its group, or the append's written_at. */
    private static String selectColumns(long writtenMicros) {
        List<String> out = new ArrayList<>();
        for (Types.NestedField field : FeatureLogLayout.SCHEMA.columns()) {
            String name = field.name();
            if (GROUP_COLUMNS.contains(name)) {
                out.add("g." + name);
            } else if (name.equals(WRITTEN_AT)) {
                out.add("make_timestamptz(CAST(" + writtenMicros + " AS BIGINT)) AS " + WRITTEN_AT);
            } else {
                out.add("s." + name);
            }
        }
        return String.join(", ", out);
    }

    private record Group(String namespace, String entity, String feature, String version, FeatureType type, int day) {}

    private static final class GroupRows {
        final List<Integer> rows = new ArrayList<>();
        long minObserved = Long.MAX_VALUE;
        long maxObserved = Long.MIN_VALUE;
        long minSeq = Long.MAX_VALUE;
        long maxSeq = Long.MIN_VALUE;
    }

    private final EmbeddedDuckDb duckDb;
    private final PartitionSpec spec;
    private final SortOrder sortOrder;
    private final Path dataDirectory;

    DataFileWriter(EmbeddedDuckDb duckDb, PartitionSpec spec, SortOrder sortOrder, Path dataDirectory) {
        this.duckDb = duckDb;
        this.spec = spec;
        this.sortOrder = sortOrder;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Writes the files; {@code firstSeq + i} is the write sequence number of {@code values.get(i)}. On failure
     * the files already written are deleted. The caller deletes the returned files if it cannot commit them.
     */
    List<DataFile> write(List<ObservedValue> values, long firstSeq, Instant writtenAt) {
        Map<Group, GroupRows> groups = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            ObservedValue v = values.get(i);
            long observed = ValueCodec.toEpochMicros(v.observedAt());
            Group g = new Group(
                    v.namespace(),
                    v.entity(),
                    v.slot().feature(),
                    v.slot().version(),
                    v.slot().type(),
                    (int) Math.floorDiv(observed, MICROS_PER_DAY));
            GroupRows rows = groups.computeIfAbsent(g, k -> new GroupRows());
            rows.rows.add(i);
            rows.minObserved = Math.min(rows.minObserved, observed);
            rows.maxObserved = Math.max(rows.maxObserved, observed);
            rows.minSeq = Math.min(rows.minSeq, firstSeq + i);
            rows.maxSeq = Math.max(rows.maxSeq, firstSeq + i);
        }
        long writtenMicros = ValueCodec.toEpochMicros(writtenAt);
        List<DataFile> written = new ArrayList<>();
        try (DuckDBConnection c = duckDb.connect()) {
            EmbeddedDuckDb.execute(c, STAGING_DDL);
            EmbeddedDuckDb.execute(c, GROUPS_DDL);
            try (DuckDBAppender appender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "staging");
                    DuckDBAppender groupAppender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "file_groups")) {
                int grp = 0;
                for (Map.Entry<Group, GroupRows> e : groups.entrySet()) {
                    Group g = e.getKey();
                    groupAppender.beginRow();
                    groupAppender.append(grp);
                    groupAppender.append(g.namespace());
                    groupAppender.append(g.entity());
                    groupAppender.append(g.feature());
                    groupAppender.append(g.version());
                    groupAppender.append(g.type().spelling());
                    groupAppender.endRow();
                    for (int i : e.getValue().rows) {
                        appendRow(appender, grp, values.get(i), firstSeq + i);
                    }
                    grp++;
                }
            }
            // one statement writes every group's file: DuckDB (one thread: see IcebergOfflineStore) sorts once and
            // writes
            // each group, in order, to staging-dir/grp=N/data_0.parquet; each file is then moved to its partition path
            Path stagingDir = dataDirectory.resolve(".staging-" + UUID.randomUUID());
            try {
                Files.createDirectories(dataDirectory);
                EmbeddedDuckDb.execute(
                        c,
                        "COPY (SELECT s.grp, " + selectColumns(writtenMicros)
                                + " FROM staging s JOIN file_groups g ON g.grp = s.grp"
                                + " ORDER BY s.grp, s." + ENTITY_KEY + ", s." + OBSERVED_AT + ", s." + WRITE_SEQ
                                + ") TO " + SqlQuoting.literal(stagingDir)
                                + " (FORMAT PARQUET, COMPRESSION zstd, PARTITION_BY (grp),"
                                + " FIELD_IDS " + FeatureLogLayout.duckDbFieldIds() + ")");
                int grp = 0;
                for (Map.Entry<Group, GroupRows> e : groups.entrySet()) {
                    written.add(
                            placeFile(stagingDir.resolve("grp=" + grp), grp, e.getKey(), e.getValue(), writtenMicros));
                    grp++;
                }
            } finally {
                Directories.deleteTree(stagingDir);
            }
            return written;
        } catch (SQLException | IOException | RuntimeException e) {
            for (DataFile f : written) {
                deleteQuietly(f);
            }
            throw new OfflineStoreException("cannot write feature-log data files: " + e.getMessage(), e);
        }
    }

    private static void appendRow(DuckDBAppender a, int grp, ObservedValue v, long seq) throws SQLException {
        a.beginRow();
        a.append(grp);
        a.append(FeatureLogLayout.encodeKey(v.key()));
        String column =
                v.value() == null ? null : FeatureLogLayout.valueColumn(v.slot().type());
        appendValue(a, VALUE_INT.equals(column) ? v.value() : null, x -> a.append((long) (Long) x));
        appendValue(a, VALUE_FLOAT.equals(column) ? v.value() : null, x -> a.append((double) (Double) x));
        appendValue(a, VALUE_STRING.equals(column) ? v.value() : null, x -> a.append((String) x));
        appendValue(a, VALUE_BOOL.equals(column) ? v.value() : null, x -> a.append((boolean) (Boolean) x));
        appendValue(
                a,
                VALUE_DATETIME.equals(column) ? v.value() : null,
                x -> a.appendEpochMicros(ValueCodec.toEpochMicros((Instant) x)));
        appendValue(
                a,
                VALUE_DATE.equals(column) ? v.value() : null,
                x -> a.appendEpochDays(Math.toIntExact(((LocalDate) x).toEpochDay())));
        appendValue(
                a,
                VALUE_LIST.equals(column) ? v.value() : null,
                x -> a.append(ValueCodec.encode(v.slot().type(), x)));
        a.appendEpochMicros(ValueCodec.toEpochMicros(v.observedAt()));
        a.append(seq);
        a.append(v.provenance().source().name().toLowerCase(Locale.ROOT));
        appendValue(a, v.provenance().queryId().orElse(null), x -> a.append((String) x));
        appendValue(a, v.provenance().resolver().orElse(null), x -> a.append((String) x));
        appendValue(a, v.provenance().deploymentId().orElse(null), x -> a.append((String) x));
        a.endRow();
    }

    private interface Appending {
        void append(Object value) throws SQLException;
    }

    private static void appendValue(DuckDBAppender a, Object value, Appending appending) throws SQLException {
        if (value == null) {
            a.appendNull();
        } else {
            appending.append(value);
        }
    }

    private DataFile placeFile(Path groupDir, int grp, Group g, GroupRows rows, long writtenMicros) throws IOException {
        Path directory = dataDirectory
                .resolve(FeatureLogLayout.pathSegment(g.namespace()))
                .resolve(FeatureLogLayout.pathSegment(g.entity()))
                .resolve(FeatureLogLayout.pathSegment(g.feature()))
                .resolve(LocalDate.ofEpochDay(g.day()).toString());
        Files.createDirectories(directory);
        Path file = directory.resolve(UUID.randomUUID() + ".parquet");
        Path produced;
        try (Stream<Path> files = Files.list(groupDir)) {
            List<Path> all = files.toList();
            if (all.size() != 1) {
                throw new IOException("DuckDB wrote " + all.size() + " files for one group (expected 1): " + all);
            }
            produced = all.get(0);
        }
        Files.move(produced, file, StandardCopyOption.ATOMIC_MOVE);

        PartitionData partition = new PartitionData(spec.partitionType());
        partition.set(0, g.namespace());
        partition.set(1, g.entity());
        partition.set(2, g.feature());
        partition.set(3, g.day());

        Map<Integer, ByteBuffer> lower = new HashMap<>();
        Map<Integer, ByteBuffer> upper = new HashMap<>();
        bound(lower, upper, NAMESPACE, g.namespace(), g.namespace());
        bound(lower, upper, ENTITY, g.entity(), g.entity());
        bound(lower, upper, FEATURE, g.feature(), g.feature());
        bound(lower, upper, FEATURE_VERSION, g.version(), g.version());
        bound(lower, upper, VALUE_TYPE, g.type().spelling(), g.type().spelling());
        bound(lower, upper, OBSERVED_AT, rows.minObserved, rows.maxObserved);
        bound(lower, upper, WRITTEN_AT, writtenMicros, writtenMicros);
        bound(lower, upper, WRITE_SEQ, rows.minSeq, rows.maxSeq);
        long count = rows.rows.size();
        Metrics metrics = new Metrics(count, Map.of(), Map.of(), Map.of(), Map.of(), lower, upper);

        return DataFiles.builder(spec)
                .withPath(LocalFileIO.toLocation(file))
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(Files.size(file))
                .withPartition(partition)
                .withRecordCount(count)
                .withMetrics(metrics)
                .withSortOrder(sortOrder)
                .build();
    }

    private static void bound(
            Map<Integer, ByteBuffer> lower, Map<Integer, ByteBuffer> upper, String column, Object min, Object max) {
        Types.NestedField field = FeatureLogLayout.SCHEMA.findField(column);
        Type type = field.type();
        lower.put(field.fieldId(), Conversions.toByteBuffer(type, min));
        upper.put(field.fieldId(), Conversions.toByteBuffer(type, max));
    }

    static void deleteQuietly(DataFile file) {
        try {
            Files.deleteIfExists(LocalFileIO.toPath(file.location()));
        } catch (IOException e) {
            // an orphan data file is never read: only files listed by the table are
        }
    }
}
