package dev.slate.serving.offline;

import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.offline.IcebergOfflineStore;
import dev.slate.storage.offline.IcebergOfflineStoreConfig;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.PointInTimeExport;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.testservers.TestServers;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * A measurement, not a test (issue 8, "Performance"; docs/benchmarks.md, "Aggregations (issue 8)"): an offline query
 * of {@code user.txn_count[1h]}, {@code [1d]}, {@code [7d]} and {@code user.spend[30d]} for a Parquet spine of
 * {@code spineRows} (user, time) rows over {@code relatedRows} transactions in the real offline store
 * ({@link IcebergOfflineStore}), through {@link OfflineQueryService} as the appliance runs it (submit, the job's history
 * read and {@link OfflineAggregation}, the result written as Parquet), next to a hand-written DuckDB query with the same
 * window rule (T − w, T] over the same spine file and the same transactions (one Parquet file of them), in one run; then
 * the two results are compared cell by cell, and any difference fails the run.
 *
 * <p>Data: transactions with random users {@code 1..users}, amounts in [-10, 190] with two decimals (about one in
 * twenty not positive: {@code where} leaves it out) and event times uniform over 60 days, each ingested as observed at
 * its event time (3 values: user_id, amount, ts). Spine: random users (one in eleven without a transaction) at random
 * times in the last 30 of those days. Run: {@code serving/offline/bench-aggregations.sh [relatedRows] [spineRows]
 * [users] [runs]} (defaults 10,000,000, 100,000, relatedRows / 1,000, 3).
 */
public final class OfflineAggregationBenchmark {

    private static final String ENV = "bench";
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration SPAN = Duration.ofDays(60);
    private static final List<String> OUTPUTS =
            List.of("user.txn_count[1h]", "user.txn_count[1d]", "user.txn_count[7d]", "user.spend[30d]");
    private static final String PROJECT = """
            project: aggbench_offline
            entities:
              user:
                key: id
                features:
                  id: int
                  transactions: {has_many: transaction, foreign_key: user_id}
                  txn_count: {aggregate: count, over: transactions, windows: [1h, 1d, 7d]}
                  spend: {aggregate: sum, of: amount, over: transactions, windows: [30d], where: "amount > 0.0"}
              transaction:
                key: id
                time: ts
                features:
                  id: int
                  user_id: {type: int, ingested: true}
                  amount: {type: float, ingested: true}
                  ts: {type: datetime, ingested: true}
            """;
    /** Values per append (the offline export benchmark's batch size). */
    private static final int APPEND_BATCH = 300_000;

    private OfflineAggregationBenchmark() {}

    public static void main(String[] args) throws Exception {
        long relatedRows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int spineRows = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        long users = args.length > 2 ? Long.parseLong(args[2]) : Math.max(1, relatedRows / 1_000);
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path work = Files.createTempDirectory("slate-aggregation-bench-");
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        IcebergOfflineStoreConfig config = new IcebergOfflineStoreConfig(
                TestServers.postgres().jdbcUrl(),
                TestServers.postgres().user(),
                Optional.empty(),
                work.resolve("warehouse").toString(),
                "slate_aggbench_" + id,
                "ns_" + id);
        JobsSchema schema = JobsSchema.create("aggbench_");
        ServingState state = new ServingState();
        state.install(
                new ActiveDeployment(ENV, "d-1", 1, ProjectCompiler.compile(Map.of("slate.yaml", PROJECT)), START));
        int failures = 0;
        try (IcebergOfflineStore store = new IcebergOfflineStore(config);
                OfflineQueryService service = new OfflineQueryService(
                        state,
                        store,
                        new OfflineJobRepository(schema.dataSource()),
                        OfflineQueryConfig.of(work.resolve("jobs"), spineRows, 1, 10),
                        Clock.systemUTC())) {
            System.out.printf(
                    Locale.ROOT,
                    "data: %,d transactions of %,d users over %d days (%,d values); spine %,d rows; outputs %s;"
                            + " %d cores; load average %s%n",
                    relatedRows,
                    users,
                    SPAN.toDays(),
                    relatedRows * 3,
                    spineRows,
                    OUTPUTS,
                    Runtime.getRuntime().availableProcessors(),
                    loadAverage());
            Path transactions = work.resolve("transactions.parquet");
            Path spine = work.resolve("spine.parquet");
            generate(transactions, spine, relatedRows, spineRows, users);
            long appendNanos = load(store, state.snapshot(ENV).orElseThrow(), transactions);
            System.out.printf(
                    Locale.ROOT,
                    "append: %,d values in %.1f s = %,.0f values/s%n",
                    relatedRows * 3,
                    appendNanos / 1e9,
                    relatedRows * 3 / (appendNanos / 1e9));

            long[] slate = new long[runs];
            long[] hand = new long[runs];
            for (int r = -1; r < runs; r++) {
                long t0 = System.nanoTime();
                Path slateOut = slateQuery(service, spine);
                long slateTook = System.nanoTime() - t0;
                Path handOut = work.resolve("hand-" + r + ".parquet");
                long t1 = System.nanoTime();
                handWritten(spine, transactions, handOut);
                long handTook = System.nanoTime() - t1;
                long differ = differences(slateOut, handOut, spineRows);
                if (r >= 0) {
                    slate[r] = slateTook;
                    hand[r] = handTook;
                }
                System.out.printf(
                        Locale.ROOT,
                        "  run %d: Slate %.3f s, hand-written %.3f s, %d rows differ%s%n",
                        r + 1,
                        slateTook / 1e9,
                        handTook / 1e9,
                        differ,
                        r < 0 ? " (warm-up)" : "");
                if (differ != 0) {
                    failures++;
                }
                Files.delete(handOut);
            }
            double slateSeconds = median(slate) / 1e9;
            double handSeconds = median(hand) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "Slate offline aggregation (submit -> SUCCEEDED: history read of %,d values, aggregation,"
                            + " Parquet result): median %.3f s = %,.0f spine rows/s%n",
                    relatedRows * 3,
                    slateSeconds,
                    spineRows / slateSeconds);
            System.out.printf(
                    Locale.ROOT,
                    "hand-written DuckDB range join (same spine, the transactions as one Parquet file, to Parquet):"
                            + " median %.3f s = %,.0f spine rows/s%n",
                    handSeconds,
                    spineRows / handSeconds);
            System.out.printf(
                    Locale.ROOT,
                    "ratio Slate / hand-written: %.2f; runs (s): Slate %s, hand %s; load average after: %s%n",
                    slateSeconds / handSeconds,
                    seconds(slate),
                    seconds(hand),
                    loadAverage());
        } finally {
            new IcebergOfflineStore(config).dropTableAndClose();
            schema.drop();
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (failures > 0) {
            System.out.println("FAILED: Slate and the hand-written query disagree in " + failures + " run(s)");
            System.exit(3);
        }
    }

    /** The transactions (id, user_id, amount, ts_us) and the spine ("user.id", input_time) as Parquet, seeded. */
    private static void generate(Path transactions, Path spine, long rows, int spineRows, long users) throws Exception {
        long startUs = START.getEpochSecond() * 1_000_000L;
        long spanUs = SPAN.toSeconds() * 1_000_000L;
        long monthUs = Duration.ofDays(30).toSeconds() * 1_000_000L;
        try (EmbeddedDuckDb duck = EmbeddedDuckDb.open();
                DuckDBConnection c = duck.connect()) {
            EmbeddedDuckDb.execute(c, "SELECT setseed(0.17)");
            EmbeddedDuckDb.execute(
                    c,
                    "COPY (SELECT i AS id, 1 + CAST(floor(random() * " + users + ") AS BIGINT) AS user_id,"
                            + " round(random() * 200 - 10, 2) AS amount,"
                            + " " + startUs + " + CAST(floor(random() * " + spanUs + ") AS BIGINT) AS ts_us"
                            + " FROM range(1, " + (rows + 1) + ") AS t(i)) TO " + SqlQuoting.literal(transactions)
                            + " (FORMAT PARQUET)");
            EmbeddedDuckDb.execute(
                    c,
                    "COPY (SELECT 1 + CAST(floor(random() * " + (users + users / 10) + ") AS BIGINT) AS \"user.id\","
                            + " make_timestamptz(" + (startUs + monthUs) + " + CAST(floor(random() * "
                            + (spanUs - monthUs) + ") AS BIGINT)) AS " + PointInTimeExport.INPUT_TIME
                            + " FROM range(" + spineRows + ")) TO " + SqlQuoting.literal(spine) + " (FORMAT PARQUET)");
        }
    }

    /** Appends every transaction as three observed values (user_id, amount, ts) at its event time; answers the nanoseconds in append. */
    private static long load(IcebergOfflineStore store, ServingSnapshot snapshot, Path transactions) throws Exception {
        FeatureSlot user = slot(snapshot, "transaction.user_id");
        FeatureSlot amount = slot(snapshot, "transaction.amount");
        FeatureSlot ts = slot(snapshot, "transaction.ts");
        long appendNanos = 0;
        List<ObservedValue> batch = new ArrayList<>(APPEND_BATCH + 3);
        try (EmbeddedDuckDb duck = EmbeddedDuckDb.open();
                DuckDBConnection c = duck.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, user_id, amount, ts_us FROM read_parquet("
                        + SqlQuoting.literal(transactions) + ")")) {
            while (rs.next()) {
                EntityKey key = EntityKey.of(rs.getLong(1));
                long us = rs.getLong(4);
                Instant at =
                        Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
                batch.add(new ObservedValue(ENV, "transaction", key, user, rs.getLong(2), at, Provenance.ingested()));
                batch.add(
                        new ObservedValue(ENV, "transaction", key, amount, rs.getDouble(3), at, Provenance.ingested()));
                batch.add(new ObservedValue(ENV, "transaction", key, ts, at, at, Provenance.ingested()));
                if (batch.size() >= APPEND_BATCH) {
                    appendNanos += append(store, batch);
                }
            }
        }
        return appendNanos + append(store, batch);
    }

    private static long append(IcebergOfflineStore store, List<ObservedValue> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        long t0 = System.nanoTime();
        store.append(batch);
        long took = System.nanoTime() - t0;
        batch.clear();
        return took;
    }

    private static FeatureSlot slot(ServingSnapshot snapshot, String feature) {
        FeatureNode node = snapshot.feature(feature);
        return new FeatureSlot(node.id().name(), node.version(), node.type());
    }

    /** Submits the spine file as the appliance's Parquet upload does and waits for the job; answers its result file. */
    private static Path slateQuery(OfflineQueryService service, Path spine) throws Exception {
        OfflineJob job;
        try (InputStream in = Files.newInputStream(spine)) {
            job = service.submitParquet(ENV, in, OUTPUTS, Recompute.NONE, Optional.empty(), Long.MAX_VALUE);
        }
        long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
        while (!job.status().finished()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the offline job did not finish within an hour");
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            job = service.get(ENV, job.id());
        }
        if (job.status() != JobStatus.SUCCEEDED) {
            throw new IllegalStateException(
                    "the offline job " + job.status() + ": " + job.error().orElse(""));
        }
        return service.result(ENV, job.id()).file();
    }

    /**
     * The query as one would write it by hand: a range join of the spine with the transactions on the user and
     * {@code t − 30d < ts ≤ t}, the shorter windows as FILTERs, the sum exact (DECIMAL, as Slate sums), spine order
     * kept, COPY to Parquet. Times are compared as epoch microseconds (TIMESTAMPTZ arithmetic goes through ICU and is
     * slow: docs/benchmarks.md, "Offline query").
     */
    private static void handWritten(Path spine, Path transactions, Path out) throws Exception {
        long hour = 3_600_000_000L;
        String sql = "COPY (SELECT"
                + " count(x.id) FILTER (WHERE x.ts_us > s.t_us - " + hour + ") AS c1h,"
                + " count(x.id) FILTER (WHERE x.ts_us > s.t_us - " + 24 * hour + ") AS c1d,"
                + " count(x.id) FILTER (WHERE x.ts_us > s.t_us - " + 168 * hour + ") AS c7d,"
                + " CAST(sum(CAST(x.amount AS DECIMAL(18, 2))) FILTER (WHERE x.amount > 0) AS DOUBLE) AS spend30d"
                + " FROM (SELECT file_row_number AS rid, \"user.id\" AS user_id, epoch_us("
                + PointInTimeExport.INPUT_TIME
                + ") AS t_us FROM read_parquet(" + SqlQuoting.literal(spine) + ", file_row_number = true)) AS s"
                + " LEFT JOIN read_parquet(" + SqlQuoting.literal(transactions) + ") AS x"
                + " ON x.user_id = s.user_id AND x.ts_us > s.t_us - " + 720 * hour + " AND x.ts_us <= s.t_us"
                + " GROUP BY s.rid ORDER BY s.rid) TO " + SqlQuoting.literal(out) + " (FORMAT PARQUET)";
        try (EmbeddedDuckDb duck = EmbeddedDuckDb.open();
                DuckDBConnection c = duck.connect()) {
            EmbeddedDuckDb.execute(c, sql);
        }
    }

    /** Rows whose four values differ between the two results (row by row in spine order); both must have every row. */
    private static long differences(Path slate, Path hand, int rows) throws Exception {
        String sql = "SELECT count(*), count(*) FILTER (WHERE a.\"user.txn_count[1h]\" IS DISTINCT FROM h.c1h"
                + " OR a.\"user.txn_count[1d]\" IS DISTINCT FROM h.c1d"
                + " OR a.\"user.txn_count[7d]\" IS DISTINCT FROM h.c7d"
                + " OR a.\"user.spend[30d]\" IS DISTINCT FROM h.spend30d)"
                + " FROM read_parquet(" + SqlQuoting.literal(slate) + ", file_row_number = true) AS a"
                + " JOIN read_parquet(" + SqlQuoting.literal(hand) + ", file_row_number = true) AS h"
                + " USING (file_row_number)";
        try (EmbeddedDuckDb duck = EmbeddedDuckDb.open();
                DuckDBConnection c = duck.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            if (rs.getLong(1) != rows) {
                throw new IllegalStateException("the results have " + rs.getLong(1) + " matching rows, not " + rows);
            }
            return rs.getLong(2);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String seconds(long[] nanos) {
        return Arrays.toString(Arrays.stream(nanos)
                .mapToObj(n -> String.format(Locale.ROOT, "%.3f", n / 1e9))
                .toArray());
    }
}
