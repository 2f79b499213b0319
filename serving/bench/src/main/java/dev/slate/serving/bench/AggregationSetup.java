package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Prepares a run of the aggregation benchmark as a user would: seeds the transactions table, recreates the two
 * environments empty and deploys the project to each, ingests every transaction into the materialized environment's
 * offline store ({@code /v1/ingest}, observed at its event time) and backfills the buckets of both aggregations from it
 * ({@code POST /v1/aggregations/{feature}/backfill}).
 */
final class AggregationSetup {

    private static final Duration SQL_TIMEOUT = Duration.ofMinutes(5);
    /** Rows per ingest request (the appliance takes at most 50,000). */
    static final int INGEST_BATCH = 10_000;

    private final AggregationOptions options;
    private final Pool pg;
    private final SlateAdmin pushdown;
    private final SlateAdmin materialized;
    private final PrintStream log;

    AggregationSetup(
            AggregationOptions options, Pool pg, SlateAdmin pushdown, SlateAdmin materialized, PrintStream log) {
        this.options = requireNonNull(options, "options is null");
        this.pg = requireNonNull(pg, "pg is null");
        this.pushdown = requireNonNull(pushdown, "pushdown is null");
        this.materialized = requireNonNull(materialized, "materialized is null");
        this.log = requireNonNull(log, "log is null");
    }

    /** Everything; answers what was done, for the results. */
    JsonObject run() {
        JsonObject done = new JsonObject();
        Instant anchor = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long rows = seed(anchor);
        done.put("seeded_at", anchor.toString()).put("table_rows", rows);
        pushdown.deleteEnvironment();
        materialized.deleteEnvironment();
        done.put("pushdown_deployment", summary(pushdown.deploy(AggregationProject.files(false))));
        done.put("materialized_deployment", summary(materialized.deploy(AggregationProject.files(true))));
        done.put("ingest_seconds", seconds(() -> ingest(rows)));
        JsonArray backfills = new JsonArray();
        for (String aggregation : AggregationProject.aggregations()) {
            backfills.add(backfill(aggregation, rows));
        }
        done.put("backfills", backfills);
        return done;
    }

    private long seed(Instant anchor) {
        long start = System.nanoTime();
        log.printf(
                Locale.ROOT,
                "seeding %s: %d users x %d transactions in the 30 days before %s (+ %d older each) ...%n",
                AggregationProject.TABLE,
                options.users(),
                options.rowsPerUser(),
                anchor,
                AggregationProject.olderRowsPerUser(options.rowsPerUser()));
        for (String sql : AggregationProject.createStatements(options.users(), options.rowsPerUser())) {
            if (sql.contains("$1")) {
                Sync.await(
                        pg.preparedQuery(sql).execute(Tuple.of(OffsetDateTime.ofInstant(anchor, ZoneOffset.UTC))),
                        SQL_TIMEOUT);
            } else {
                Sync.await(pg.query(sql).execute(), SQL_TIMEOUT);
            }
        }
        long rows = Sync.await(
                        pg.query("SELECT count(*) FROM " + AggregationProject.TABLE)
                                .execute(),
                        SQL_TIMEOUT)
                .iterator()
                .next()
                .getLong(0);
        log.printf(Locale.ROOT, "  %,d rows in %.1f s%n", rows, (System.nanoTime() - start) / 1e9);
        return rows;
    }

    /** Every row of the table into the materialized environment's offline store, observed at its event time. */
    private void ingest(long expected) {
        RowSet<Row> all = Sync.await(
                pg.query("SELECT id, user_id, amount, ts FROM " + AggregationProject.TABLE + " ORDER BY id")
                        .execute(),
                SQL_TIMEOUT);
        log.printf(
                Locale.ROOT,
                "ingesting %,d transactions into %s (/v1/ingest, store_offline only, %,d per request) ...%n",
                all.size(),
                options.materializedEnvironment(),
                INGEST_BATCH);
        JsonArray batch = new JsonArray();
        long sent = 0;
        for (Row r : all) {
            String ts = r.getOffsetDateTime(3).toInstant().toString();
            batch.add(new JsonObject()
                    .put("transaction.id", r.getLong(0))
                    .put("transaction.user_id", r.getLong(1))
                    .put("transaction.amount", r.getDouble(2))
                    .put("transaction.ts", ts)
                    .put("__ts__", ts));
            if (batch.size() == INGEST_BATCH) {
                sent += ingestBatch(batch);
                batch = new JsonArray();
            }
        }
        if (!batch.isEmpty()) {
            sent += ingestBatch(batch);
        }
        if (sent != expected) {
            throw new IllegalStateException("ingested " + sent + " rows, the table holds " + expected);
        }
    }

    private long ingestBatch(JsonArray rows) {
        JsonObject body =
                new JsonObject().put("rows", rows).put("store_online", false).put("store_offline", true);
        HttpAnswer a = materialized.call(HttpMethod.POST, "/v1/ingest", body.toBuffer());
        if (a.status() != 200) {
            throw new IllegalStateException("ingest failed: HTTP " + a.status() + "\n" + a.excerpt());
        }
        return a.body().toJsonObject().getLong("rows", 0L);
    }

    /** Rebuilds the buckets of {@code user.<aggregation>} from the offline store; every row must be replayed. */
    private JsonObject backfill(String aggregation, long expectedRows) {
        String feature = AggregationProject.PARENT + "." + aggregation;
        long start = System.nanoTime();
        HttpAnswer a = materialized.call(
                HttpMethod.POST, "/v1/aggregations/" + feature + "/backfill", new JsonObject().toBuffer());
        if (a.status() != 200) {
            throw new IllegalStateException(
                    "backfill of " + feature + " failed: HTTP " + a.status() + "\n" + a.excerpt());
        }
        JsonObject answer = a.body().toJsonObject();
        double took = (System.nanoTime() - start) / 1e9;
        log.printf(Locale.ROOT, "backfill %s: %s (%.1f s)%n", feature, answer.encode(), took);
        long replayed = answer.getLong("rows", -1L);
        if (replayed != expectedRows) {
            throw new IllegalStateException(
                    "backfill of " + feature + " replayed " + replayed + " rows, the table holds " + expectedRows);
        }
        return answer.copy().put("seconds", Math.round(took * 10) / 10.0);
    }

    private static JsonObject summary(JsonObject deployment) {
        JsonObject out = new JsonObject();
        for (String key : new String[] {"id", "deployment_id", "version", "environment", "content_hash"}) {
            if (deployment.containsKey(key)) {
                out.put(key, deployment.getValue(key));
            }
        }
        return out;
    }

    private double seconds(Runnable step) {
        long start = System.nanoTime();
        step.run();
        double took = (System.nanoTime() - start) / 1e9;
        log.printf(Locale.ROOT, "  done in %.1f s%n", took);
        return Math.round(took * 10) / 10.0;
    }
}
