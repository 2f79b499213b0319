package dev.slate.storage.offline;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import dev.slate.storage.spi.offline.SpineRow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * A measurement, not a test: point-in-time lookup throughput of {@link IcebergOfflineStore} against real
 * PostgreSQL and on-disk Parquet, next to a hand-written DuckDB ASOF JOIN over the same data files.
 *
 * <p>Data: {@code entities × 10 features × 10 observations} (default 10,000 entities: 1,000,000 values),
 * appended in batches of 100,000; spine of {@code spineRows} random (entity, time) rows (default 100,000).
 * Run (see docs/specs/offline-store-iceberg.md, "Measuring"):
 * {@code java --enable-native-access=ALL-UNNAMED -cp … dev.slate.storage.offline.OfflineLookupBenchmark [entities] [spineRows]}
 */
public final class OfflineLookupBenchmark {

    private OfflineLookupBenchmark() {}

    public static void main(String[] args) throws Exception {
        int entities = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int spineRows = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int runs = 3;
        TestCatalog catalog = new TestCatalog();
        try (IcebergOfflineStore store = catalog.open()) {
            List<FeatureSlot> slots = BenchData.slots();
            long values = (long) entities * BenchData.FEATURES * BenchData.OBSERVATIONS;
            System.out.printf(
                    "data: %,d entities x %d features x %d observations = %,d values; spine %,d rows; %d cores%n",
                    entities,
                    BenchData.FEATURES,
                    BenchData.OBSERVATIONS,
                    values,
                    spineRows,
                    Runtime.getRuntime().availableProcessors());

            Random random = new Random(7);
            long appendNanos = BenchData.load(store, slots, entities, random);
            System.out.printf(
                    "append: %,d values in %.2f s = %,.0f values/s (batches of 100,000)%n",
                    values, appendNanos / 1e9, values / (appendNanos / 1e9));

            List<SpineRow> spine = new ArrayList<>(spineRows);
            for (int i = 0; i < spineRows; i++) {
                Instant t = BenchData.START
                        .plus(BenchData.STEP.multipliedBy(BenchData.OBSERVATIONS))
                        .minusSeconds(random.nextLong(BenchData.STEP
                                .multipliedBy(BenchData.OBSERVATIONS + 1)
                                .toSeconds()));
                spine.add(new SpineRow(EntityKey.of((long) random.nextInt(entities + entities / 10)), t));
            }
            List<FeatureLookup> lookups = new ArrayList<>();
            for (int f = 0; f < BenchData.FEATURES; f++) {
                lookups.add(
                        f % 3 == 0
                                ? FeatureLookup.within(slots.get(f), Duration.ofHours(12))
                                : FeatureLookup.latest(slots.get(f)));
            }
            PointInTimeQuery query = new PointInTimeQuery("bench", "user", spine, lookups);

            long[] slate = new long[runs];
            long matched = 0;
            for (int r = -1; r < runs; r++) {
                long t0 = System.nanoTime();
                PointInTimeResult result = store.lookup(query);
                long took = System.nanoTime() - t0;
                if (r >= 0) {
                    slate[r] = took;
                }
                matched = result.rows().stream()
                        .flatMap(List::stream)
                        .filter(v -> v != null)
                        .count();
            }
            List<String> files = BenchData.dataFiles(catalog.warehouse);
            long[] hand = new long[runs];
            long handMatched = 0;
            for (int r = -1; r < runs; r++) {
                long t0 = System.nanoTime();
                long m = handWrittenAsof(spine, files);
                long took = System.nanoTime() - t0;
                if (r >= 0) {
                    hand[r] = took;
                }
                handMatched = m;
            }
            double slateSeconds = median(slate) / 1e9;
            double handSeconds = median(hand) / 1e9;
            System.out.printf(
                    "Slate lookup (10 features, into Java objects): median %.3f s = %,.0f spine rows/s (%,d non-null cells)%n",
                    slateSeconds, spineRows / slateSeconds, matched);
            System.out.printf(
                    "hand-written DuckDB ASOF JOIN (same files and spine, no tie-break, read over JDBC like Slate): median %.3f s = %,.0f rows/s (%,d non-null cells)%n",
                    handSeconds, spineRows / handSeconds, handMatched);
            System.out.printf(
                    "ratio Slate / hand-written: %.2f; runs (s): Slate %s, hand %s%n",
                    slateSeconds / handSeconds,
                    Arrays.toString(Arrays.stream(slate)
                            .mapToObj(n -> String.format(Locale.ROOT, "%.3f", n / 1e9))
                            .toArray()),
                    Arrays.toString(Arrays.stream(hand)
                            .mapToObj(n -> String.format(Locale.ROOT, "%.3f", n / 1e9))
                            .toArray()));
        } finally {
            catalog.drop();
        }
    }

    /** The join as one would write it by hand: ASOF on observed_at per feature, staleness in SQL, no tie-break. */
    private static long handWrittenAsof(List<SpineRow> spine, List<String> files) throws Exception {
        try (EmbeddedDuckDb duck = EmbeddedDuckDb.open();
                DuckDBConnection c = duck.connect()) {
            EmbeddedDuckDb.execute(c, "CREATE TEMP TABLE spine (row_id BIGINT, entity_key VARCHAR, t TIMESTAMPTZ)");
            try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spine")) {
                for (int i = 0; i < spine.size(); i++) {
                    SpineRow row = spine.get(i);
                    a.beginRow()
                            .append((long) i)
                            .append(FeatureLogLayout.encodeKey(row.key()))
                            .appendEpochMicros(ValueCodec.toEpochMicros(row.inputTime()))
                            .endRow();
                }
            }
            StringBuilder select = new StringBuilder("SELECT s.row_id");
            StringBuilder from = new StringBuilder(" FROM spine s");
            for (int f = 0; f < BenchData.FEATURES; f++) {
                String column = f % 2 == 0 ? "value_float" : "value_int";
                String v = "f" + f;
                if (f % 3 == 0) {
                    select.append(", CASE WHEN s.t - ")
                            .append(v)
                            .append(".observed_at <= INTERVAL 12 HOUR THEN epoch_us(")
                            .append(v)
                            .append(".observed_at) END")
                            .append(", CASE WHEN s.t - ")
                            .append(v)
                            .append(".observed_at <= INTERVAL 12 HOUR THEN ")
                            .append(v)
                            .append(".v END");
                } else {
                    select.append(", epoch_us(")
                            .append(v)
                            .append(".observed_at), ")
                            .append(v)
                            .append(".v");
                }
                from.append(" ASOF LEFT JOIN (SELECT entity_key, observed_at, ")
                        .append(column)
                        .append(" AS v FROM read_parquet(?) WHERE feature = '")
                        .append(v)
                        .append("') ")
                        .append(v)
                        .append(" ON s.entity_key = ")
                        .append(v)
                        .append(".entity_key AND s.t >= ")
                        .append(v)
                        .append(".observed_at");
            }
            String sql = select.append(from).append(" ORDER BY s.row_id").toString();
            long nonNull = 0;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int f = 0; f < BenchData.FEATURES; f++) {
                    String dir = "/f" + f + "/";
                    ps.setObject(
                            f + 1,
                            c.createArrayOf(
                                    "VARCHAR",
                                    files.stream().filter(p -> p.contains(dir)).toArray()));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        for (int f = 0; f < BenchData.FEATURES; f++) {
                            rs.getLong(2 + 2 * f);
                            if (!rs.wasNull()) {
                                nonNull++;
                            }
                            if (f % 2 == 0) {
                                rs.getDouble(3 + 2 * f);
                            } else {
                                rs.getLong(3 + 2 * f);
                            }
                        }
                    }
                }
            }
            return nonNull;
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
