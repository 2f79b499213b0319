package dev.slate.storage.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportedFeature;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.LatestValue;
import dev.slate.storage.spi.offline.LatestValuesQuery;
import dev.slate.storage.spi.offline.LatestValuesResult;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.PointInTimeExport;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SpineRow;
import dev.slate.storage.testing.SpineFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compaction and snapshot expiry of the feature log against real PostgreSQL (catalog) and on-disk Parquet: every
 * answer (lookup, export, latest values, the raw rows) is the same before and after, concurrent appends are kept,
 * reverse-ETL markers neither re-read nor miss, and expiry deletes only unreferenced files.
 */
class FeatureLogCompactionTest {

    private static final Instant T = Instant.parse("2026-03-01T22:00:00Z");
    private static final String ENTITY = "user";
    private static final List<FeatureSlot> SLOTS = List.of(
            new FeatureSlot("i", "v1", FeatureType.Scalar.INT),
            new FeatureSlot("i", "v2", FeatureType.Scalar.INT),
            new FeatureSlot("f", "v1", FeatureType.Scalar.FLOAT),
            new FeatureSlot("s", "v1", FeatureType.Scalar.STRING),
            new FeatureSlot("b", "v1", FeatureType.Scalar.BOOL),
            new FeatureSlot("t", "v1", FeatureType.Scalar.DATETIME),
            new FeatureSlot("d", "v1", FeatureType.Scalar.DATE),
            new FeatureSlot("l", "v1", new FeatureType.ListOf(FeatureType.Scalar.STRING)));
    private static final CompactionOptions SMALL_GROUPS =
            new CompactionOptions(4, CompactionOptions.DEFAULT_TARGET_FILE_SIZE_BYTES, Set.of());

    private TestCatalog catalog;
    private IcebergOfflineStore store;
    private String ns;
    private Path dir;

    @BeforeEach
    void open() throws IOException {
        catalog = new TestCatalog();
        store = catalog.open();
        ns = "compact-" + UUID.randomUUID();
        dir = Files.createTempDirectory("slate-compaction-test-");
    }

    @AfterEach
    void close() throws IOException {
        store.close();
        catalog.drop();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Random values: few keys and seconds (ties within and across appends), nulls, NaN and -0.0, lists, three days. */
    private static List<ObservedValue> batch(Random random, String ns, int size, int round) {
        List<ObservedValue> values = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            FeatureSlot slot = SLOTS.get(random.nextInt(SLOTS.size()));
            int n = round * 10_000 + i;
            Object value = random.nextInt(7) == 0
                    ? null
                    : switch (slot.feature()) {
                        case "i" -> (long) n;
                        case "f" ->
                            switch (random.nextInt(6)) {
                                case 0 -> Double.NaN;
                                case 1 -> -0.0;
                                default -> n / 8.0;
                            };
                        case "s" -> random.nextBoolean() ? "" : "v" + n + "'é";
                        case "b" -> random.nextBoolean();
                        case "t" -> T.plusSeconds(n).plusNanos(1000L * random.nextInt(1000));
                        case "d" -> LocalDate.of(2026, 1, 1).plusDays(n % 400);
                        default -> random.nextBoolean() ? List.of() : Arrays.asList("x" + n, null, "");
                    };
            EntityKey key = random.nextBoolean()
                    ? EntityKey.of((long) random.nextInt(12))
                    : EntityKey.of("k" + random.nextInt(6));
            // 3 days x 30 seconds: many equal observation times
            Instant at = T.plus(Duration.ofHours(12L * random.nextInt(5))).plusSeconds(random.nextInt(30));
            values.add(new ObservedValue(
                    ns,
                    ENTITY,
                    key,
                    slot,
                    value,
                    at,
                    random.nextInt(3) == 0 ? Provenance.computed("q" + n, "r", "dep") : Provenance.ingested()));
        }
        return values;
    }

    private void appendRounds(Random random, int rounds, int size, int firstRound) {
        for (int r = 0; r < rounds; r++) {
            store.append(batch(random, ns, size, firstRound + r));
        }
    }

    /** Everything a reader can observe: lookups with and without staleness, the export file, latest values, raw rows. */
    private record Answers(
            PointInTimeResult lookup, List<String> export, List<LatestValue> latest, List<String> rows) {}

    private Answers answers(List<SpineRow> spine, Path spineFile, String name) throws Exception {
        List<FeatureLookup> lookups = new ArrayList<>();
        List<ExportedFeature> exported = new ArrayList<>();
        for (int f = 0; f < SLOTS.size(); f++) {
            FeatureSlot slot = SLOTS.get(f);
            FeatureLookup lookup = switch (f % 3) {
                case 0 -> FeatureLookup.latest(slot);
                case 1 -> FeatureLookup.within(slot, Duration.ofSeconds(5));
                default -> FeatureLookup.within(slot, Duration.ZERO);
            };
            lookups.add(lookup);
            exported.add(new ExportedFeature(lookup, "c" + f));
        }
        PointInTimeResult lookup = store.lookup(new PointInTimeQuery(ns, ENTITY, spine, lookups));
        Path out = dir.resolve(name + ".parquet");
        store.export(new PointInTimeExport(ns, ENTITY, spineFile, List.of("k"), exported, out), ExportControl.none());
        List<String> export = query("SELECT * FROM read_parquet(?)", out.toString());
        List<LatestValue> latest = new ArrayList<>();
        store.latestValues(
                new LatestValuesQuery(ns, ENTITY, lookups, Optional.empty(), T.plus(Duration.ofDays(3))), latest::add);
        latest.sort(Comparator.comparing(LatestValue::toString));
        return new Answers(lookup, export, latest, rawRows());
    }

    /** Every row of the test's namespace in the live files, all columns, in write order. */
    private List<String> rawRows() throws Exception {
        List<String> files = store.liveDataFiles().stream()
                .map(f -> LocalFileIO.toPath(f.location()).toString())
                .toList();
        return queryFiles("SELECT * FROM read_parquet(?) ORDER BY write_seq", files).stream()
                .filter(r -> r.startsWith(ns + "|"))
                .toList();
    }

    private static List<String> query(String sql, String file) throws Exception {
        return queryFiles(sql, List.of(file));
    }

    private static List<String> queryFiles(String sql, List<String> files) throws Exception {
        List<String> out = new ArrayList<>();
        if (files.isEmpty()) {
            return out;
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            c.createStatement().execute("SET TimeZone = 'UTC'");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, c.createArrayOf("VARCHAR", files.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= columns; i++) {
                            sb.append(rs.getString(i)).append('|');
                        }
                        out.add(sb.toString());
                    }
                }
            }
        }
        return out;
    }

    private List<SpineRow> spine(Random random) {
        List<SpineRow> spine = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            EntityKey key = random.nextBoolean()
                    ? EntityKey.of((long) random.nextInt(14))
                    : EntityKey.of("k" + random.nextInt(7));
            spine.add(new SpineRow(
                    key, T.plus(Duration.ofHours(12L * random.nextInt(6))).plusSeconds(random.nextInt(40) - 5)));
        }
        spine.add(spine.get(7));
        return spine;
    }

    /** Files per group (partition, feature version, type). */
    private static Map<String, Integer> filesPerGroup(List<DataFile> files) {
        Map<String, Integer> out = new HashMap<>();
        int version = FeatureLogLayout.SCHEMA
                .findField(FeatureLogLayout.FEATURE_VERSION)
                .fieldId();
        for (DataFile f : files) {
            String v = Conversions.fromByteBuffer(
                            Types.StringType.get(), f.lowerBounds().get(version))
                    .toString();
            out.merge(
                    f.partition().get(2, String.class) + "@" + f.partition().get(3, Integer.class) + "@" + v,
                    1,
                    Integer::sum);
        }
        return out;
    }

    @Test
    void compactionChangesNoAnswerAndLeavesOneSortedFilePerGroup() throws Exception {
        Random random = new Random(20261130);
        appendRounds(random, 30, 60, 0);
        List<SpineRow> spine = spine(random);
        List<SpineRow> stringSpine = spine.stream()
                .filter(r -> r.key().parts().get(0) instanceof String)
                .toList();
        Path spineFile = dir.resolve("spine.parquet");
        SpineFiles.write(spineFile, List.of("k"), stringSpine);
        Answers before = answers(spine, spineFile, "before");
        List<DataFile> filesBefore = store.liveDataFiles();
        Map<String, Integer> groupsBefore = filesPerGroup(filesBefore);

        CompactionResult result = store.compact(SMALL_GROUPS);

        List<DataFile> filesAfter = store.liveDataFiles();
        Map<String, Integer> groupsAfter = filesPerGroup(filesAfter);
        int expectedFiles = 0;
        int rewritten = 0;
        for (Map.Entry<String, Integer> e : groupsBefore.entrySet()) {
            boolean compacted = e.getValue() >= SMALL_GROUPS.minInputFiles();
            expectedFiles += compacted ? 1 : e.getValue();
            rewritten += compacted ? e.getValue() : 0;
            assertThat(groupsAfter.get(e.getKey())).as(e.getKey()).isEqualTo(compacted ? 1 : e.getValue());
        }
        assertThat(filesAfter).hasSize(expectedFiles);
        assertThat(filesAfter.size()).isLessThan(filesBefore.size() / 3);
        assertThat(result.filesRemoved()).isEqualTo(rewritten);
        assertThat(result.filesAdded()).isEqualTo(result.groupsRewritten());
        assertThat(result.commits()).isEqualTo(1);
        assertThat(result.conflicts()).isZero();
        assertThat(store.currentOperation()).contains("replace");

        Answers after = answers(spine, spineFile, "after");
        assertThat(after.rows()).isEqualTo(before.rows());
        assertThat(after.lookup()).isEqualTo(before.lookup());
        assertThat(after.export()).isEqualTo(before.export());
        assertThat(after.latest()).isEqualTo(before.latest());
        assertThat(before.lookup().rows().stream()
                        .flatMap(List::stream)
                        .filter(Objects::nonNull)
                        .count())
                .as("values found")
                .isGreaterThan(300);

        // each new file is sorted by the table's sort order, and its bounds are its rows' bounds
        Set<String> old = filesBefore.stream().map(DataFile::location).collect(Collectors.toSet());
        for (DataFile f :
                filesAfter.stream().filter(f -> !old.contains(f.location())).toList()) {
            String path = LocalFileIO.toPath(f.location()).toString();
            assertThat(query("SELECT entity_key, observed_at, write_seq FROM read_parquet(?)", path))
                    .isEqualTo(query(
                            "SELECT entity_key, observed_at, write_seq FROM read_parquet(?) ORDER BY entity_key, observed_at, write_seq",
                            path));
            List<String> bounds = query(
                    "SELECT count(*), epoch_us(min(observed_at)), epoch_us(max(observed_at)), min(write_seq), max(write_seq) FROM read_parquet(?)",
                    path);
            assertThat(bounds.get(0))
                    .isEqualTo(f.recordCount() + "|" + bound(f, FeatureLogLayout.OBSERVED_AT, true) + "|"
                            + bound(f, FeatureLogLayout.OBSERVED_AT, false) + "|"
                            + bound(f, FeatureLogLayout.WRITE_SEQ, true) + "|"
                            + bound(f, FeatureLogLayout.WRITE_SEQ, false) + "|");
            assertThat(f.sortOrderId()).isEqualTo(1);
            Map<String, Integer> ids = new HashMap<>();
            for (String row : query("SELECT name, field_id FROM parquet_schema(?) WHERE field_id IS NOT NULL", path)) {
                String[] parts = row.split("\\|");
                ids.put(parts[0], Integer.parseInt(parts[1]));
            }
            FeatureLogLayout.SCHEMA.columns().forEach(c -> assertThat(ids).containsEntry(c.name(), c.fieldId()));
        }

        // a second run finds nothing to do
        assertThat(store.compact(SMALL_GROUPS).filesRemoved()).isZero();
    }

    private static Object bound(DataFile f, String column, boolean lower) {
        Types.NestedField field = FeatureLogLayout.SCHEMA.findField(column);
        ByteBuffer b = (lower ? f.lowerBounds() : f.upperBounds()).get(field.fieldId());
        return Conversions.fromByteBuffer(field.type(), b);
    }

    @Test
    void anAppendCommittedDuringCompactionIsKept() throws Exception {
        Random random = new Random(7);
        appendRounds(random, 12, 40, 0);
        List<ObservedValue> late = batch(random, ns, 50, 99);
        List<String> rowsBefore = rawRows();
        try (IcebergOfflineStore other = catalog.open()) { // another process
            CompactionResult result = store.compact(SMALL_GROUPS, () -> other.append(late));
            assertThat(result.commits()).isEqualTo(1);
            assertThat(result.conflicts()).isZero();
        }
        List<String> rowsAfter = rawRows();
        assertThat(rowsAfter).hasSize(rowsBefore.size() + late.size());
        assertThat(rowsAfter).containsAll(rowsBefore);
        assertThat(store.currentOperation()).contains("replace");
    }

    @Test
    void aCompactionWhoseInputsWereDroppedMeanwhileChangesNothing() throws Exception {
        appendRounds(new Random(8), 12, 40, 0);
        Set<String> appended = parquetFilesOnDisk();
        CompactionResult result = store.compact(SMALL_GROUPS, () -> store.dropNamespace(ns));
        assertThat(result.commits()).isZero();
        assertThat(result.conflicts()).isPositive();
        assertThat(store.liveDataFiles()).isEmpty();
        assertThat(parquetFilesOnDisk())
                .as("the compacted files were deleted again")
                .isEqualTo(appended);
        // nothing of the namespace comes back
        assertThat(rawRows()).isEmpty();
    }

    private Set<String> parquetFilesOnDisk() throws IOException {
        try (Stream<Path> paths = Files.walk(catalog.warehouse)) {
            return paths.filter(p -> p.toString().endsWith(".parquet"))
                    .map(Path::toString)
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void expiryDeletesOnlyFilesNoKeptSnapshotReferences() throws Exception {
        Random random = new Random(9);
        appendRounds(random, 16, 40, 0);
        List<SpineRow> spine = spine(random);
        Path spineFile = dir.resolve("spine.parquet");
        SpineFiles.write(
                spineFile,
                List.of("k"),
                spine.stream()
                        .filter(r -> r.key().parts().get(0) instanceof String)
                        .toList());
        Answers before = answers(spine, spineFile, "before");
        Set<String> replaced = liveFiles();
        store.compact(SMALL_GROUPS);
        replaced.removeAll(liveFiles());
        assertThat(replaced).isNotEmpty();
        // Iceberg deletes the files a snapshot removed once that snapshot expires: here, after a later append
        store.append(batch(random, "other-" + ns, 20, 50));
        Set<String> live = liveFiles();
        assertThat(parquetFilesOnDisk()).containsAll(replaced).containsAll(live);

        // a long retention keeps every snapshot and file
        SnapshotExpiry.Result kept = store.expireSnapshots(SnapshotExpiry.defaults());
        assertThat(kept.snapshotsExpired()).isZero();
        assertThat(parquetFilesOnDisk()).containsAll(replaced);

        SnapshotExpiry.Result result = store.expireSnapshots(new SnapshotExpiry(Duration.ZERO, 1));
        assertThat(result.snapshotsExpired()).isEqualTo(17); // 16 appends and the replace; the last append is current
        assertThat(result.dataFilesDeleted()).isEqualTo(replaced.size());
        assertThat(parquetFilesOnDisk()).isEqualTo(live);
        assertThat(answers(spine, spineFile, "after")).isEqualTo(before);
    }

    private Set<String> liveFiles() {
        return store.liveDataFiles().stream()
                .map(f -> LocalFileIO.toPath(f.location()).toString())
                .collect(Collectors.toSet());
    }

    @Test
    void expiryKeepsTheSnapshotARunningReadUses() throws Exception {
        Random random = new Random(10);
        appendRounds(random, 12, 40, 0);
        List<FeatureLookup> lookups = SLOTS.stream().map(FeatureLookup::latest).toList();
        List<LatestValue> expected = new ArrayList<>();
        store.latestValues(
                new LatestValuesQuery(ns, ENTITY, lookups, Optional.empty(), T.plus(Duration.ofDays(3))),
                expected::add);
        List<LatestValue> seen = new ArrayList<>();
        SnapshotExpiry.Result[] during = new SnapshotExpiry.Result[1];
        // the read plans all features, then reads them one after another; between two, compaction and expiry run
        store.latestValues(
                new LatestValuesQuery(ns, ENTITY, lookups, Optional.empty(), T.plus(Duration.ofDays(3))), v -> {
                    if (during[0] == null) {
                        store.compact(SMALL_GROUPS);
                        store.append(batch(random, "other-" + ns, 20, 50));
                        during[0] = store.expireSnapshots(new SnapshotExpiry(Duration.ZERO, 1));
                    }
                    seen.add(v);
                });
        assertThat(during[0].dataFilesDeleted())
                .as("nothing the read uses was deleted")
                .isZero();
        seen.sort(Comparator.comparing(LatestValue::toString));
        expected.sort(Comparator.comparing(LatestValue::toString));
        assertThat(seen).isEqualTo(expected);
        // once the read is over, the files go
        assertThat(store.expireSnapshots(new SnapshotExpiry(Duration.ZERO, 1)).dataFilesDeleted())
                .isPositive();
    }

    @Test
    void reverseEtlMarkersNeitherRereadNorMissCompactedValues() throws Exception {
        Random random = new Random(11);
        List<FeatureLookup> lookups = SLOTS.stream().map(FeatureLookup::latest).toList();
        Instant asOf = T.plus(Duration.ofDays(3));
        appendRounds(random, 10, 40, 0);
        LatestValuesResult first =
                store.latestValues(new LatestValuesQuery(ns, ENTITY, lookups, Optional.empty(), asOf), v -> {});
        String m1 = first.marker().orElseThrow();
        appendRounds(random, 10, 40, 100);
        List<LatestValue> sinceM1 = latest(lookups, m1, asOf);
        LatestValuesResult second =
                store.latestValues(new LatestValuesQuery(ns, ENTITY, lookups, Optional.of(m1), asOf), v -> {});
        String m2 = second.marker().orElseThrow();
        assertThat(sinceM1).isNotEmpty();

        CompactionResult result =
                store.compact(SMALL_GROUPS.withReaderMarkers(Set.of(m1, m2, "mem:3", "iceberg-seq:other:5")));
        assertThat(result.filesRemoved()).isPositive();
        assertThat(result.commits())
                .as("files before and after m1 are committed apart")
                .isEqualTo(2);
        assertThat(store.currentOperation()).contains("replace");

        assertThat(latest(lookups, m1, asOf))
                .as("since m1: exactly what it was before compaction")
                .isEqualTo(sinceM1);
        assertThat(latest(lookups, m2, asOf))
                .as("since m2: the replace snapshot adds nothing new")
                .isEmpty();
        List<ObservedValue> late = batch(random, ns, 30, 200);
        store.append(late);
        List<LatestValue> afterLate = latest(lookups, m2, asOf);
        assertThat(afterLate).isNotEmpty();
        Set<String> lateKeys = new HashSet<>();
        late.forEach(v -> lateKeys.add(FeatureLogLayout.encodeKey(v.key())));
        assertThat(afterLate).allMatch(v -> lateKeys.contains(FeatureLogLayout.encodeKey(v.key())));

        // without the markers, compaction may merge across them: older values are read again (and lose to newer
        // ones online), nothing is missed: every key seen before is delivered, with the overall latest value
        appendRounds(random, 10, 40, 300);
        List<LatestValue> sinceM2 = latest(lookups, m2, asOf);
        store.compact(SMALL_GROUPS);
        List<LatestValue> reread = latest(lookups, m2, asOf);
        List<LatestValue> everything = new ArrayList<>();
        store.latestValues(new LatestValuesQuery(ns, ENTITY, lookups, Optional.empty(), asOf), everything::add);
        assertThat(everything).containsAll(reread);
        Set<String> slotsReread =
                reread.stream().map(v -> v.key() + "/" + v.feature()).collect(Collectors.toSet());
        assertThat(sinceM2).allMatch(v -> slotsReread.contains(v.key() + "/" + v.feature()));
    }

    private List<LatestValue> latest(List<FeatureLookup> lookups, String since, Instant asOf) {
        List<LatestValue> out = new ArrayList<>();
        store.latestValues(new LatestValuesQuery(ns, ENTITY, lookups, Optional.of(since), asOf), out::add);
        out.sort(Comparator.comparing(LatestValue::toString));
        return out;
    }
}
