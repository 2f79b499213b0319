package dev.slate.serving.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Optional;

/**
 * The aggregation benchmark of issue 8 (docs/benchmarks.md, "Aggregations (issue 8)"): {@code user.txn_count[1h]},
 * {@code [1d]}, {@code [7d]} and {@code user.spend[30d]} for users with 10,000 transactions each in the last 30 days,
 * open loop at 200 requests/s, computed by Slate materialized (Redis buckets) and by pushdown (one PostgreSQL
 * statement), next to the same four values as one hand-written SQL statement and next to the raw Redis reads of the
 * buckets, all in one run. {@link AggregationSetup} prepares the data as a user would and {@link AggregationCheck}
 * checks the answers once before anything is measured.
 *
 * <p>Exit status: 0 when every run completed without errors (whether or not the targets were met), 3 when a run
 * counted errors or the check failed, 2 for a bad command line, 1 when setup failed.
 */
public final class AggregationBenchmark {

    private AggregationBenchmark() {}

    public static void main(String[] args) {
        AggregationOptions options;
        try {
            options = AggregationOptions.parse(args);
        } catch (BenchOptions.UsageException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.print(AggregationOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? ServingBenchmark.EXIT_OK : ServingBenchmark.EXIT_USAGE);
            return;
        }
        int status;
        try {
            status = run(options, System.out);
        } catch (RuntimeException e) {
            System.err.println("aggregation benchmark failed: " + e.getMessage());
            status = ServingBenchmark.EXIT_SETUP_FAILED;
        }
        System.exit(status);
    }

    static int run(AggregationOptions options, PrintStream log) {
        Instant started = Instant.now();
        log.println("Slate aggregation benchmark: " + options);
        String load = MachineInfo.loadAverage();
        log.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average " + load
                + " (the generator and the appliance share the machine)");
        Vertx vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        try {
            Context context = vertx.getOrCreateContext();
            HttpClient http = ServingBenchmark.httpClient(vertx, options.connections());
            Redis redis = ServingBenchmark.redisClient(vertx, options.redisUrl());
            Pool pg = ServingBenchmark.pgPool(vertx, options.pg(), AggregationProject.SOURCE_CONNECTIONS);
            String host = options.slateUrl().getHost();
            SlateEndpoint pushdownAt = new SlateEndpoint(host, options.slatePort(), options.pushdownEnvironment());
            SlateEndpoint materializedAt =
                    new SlateEndpoint(host, options.slatePort(), options.materializedEnvironment());
            SlateAdmin pushdown = new SlateAdmin(http, pushdownAt, log);
            SlateAdmin materialized = new SlateAdmin(http, materializedAt, log);
            pushdown.awaitReady(Duration.ofSeconds(60));
            JsonObject setup = new JsonObject().put("load_average_at_start", load);
            if (options.skipSetup()) {
                log.println("--skip-setup: the table, environments and buckets of the previous run are reused");
            } else {
                setup.mergeIn(new AggregationSetup(options, pg, pushdown, materialized, log).run());
            }

            AggregationCheck.Outcome check = new AggregationCheck(pg, pushdown, materialized, log).run(options.users());
            JsonObject checked = new JsonObject()
                    .put("at", check.at().toString())
                    .put("users", options.users())
                    .put("users_where_bucket_aligned_differs_from_exact", check.usersWhereModesDiffer())
                    .put("problems", new JsonArray(check.problems()))
                    .put("explain", check.explain());
            if (!check.problems().isEmpty()) {
                check.problems().forEach(p -> log.println("CHECK FAILED: " + p));
                JsonObject json = document(options, started, setup, checked, null);
                ResultsJson.write(json, options.output());
                log.println("nothing measured: the answers are wrong; details in " + options.output());
                cleanUp(options, pg, pushdown, materialized, log);
                return ServingBenchmark.EXIT_ERRORS;
            }
            log.printf(
                    Locale.ROOT,
                    "check passed at %s: %d users x %d outputs, pushdown = hand-written SQL, materialized ="
                            + " bucket-aligned SQL (differs from the exact windows for %d users), no cache hits%n",
                    check.at(),
                    options.users(),
                    AggregationProject.OUTPUTS.size(),
                    check.usersWhereModesDiffer());

            BucketKeys keys =
                    BucketKeys.discover(redis, options.redisKeyPrefix(), options.materializedEnvironment(), 1);
            log.println("raw bucket reads: " + keys.versions().values() + ", "
                    + keys.keys(1, Instant.now()).size() + " keys per query");
            setup.put("bucket_versions", new JsonObject(new LinkedHashMap<String, Object>(keys.versions())));

            LoadGenerator generator = new LoadGenerator(context, 2_000_000, 80, 50_000, Duration.ofSeconds(15));
            QueryBodies bodies = QueryBodies.of(AggregationProject.PARENT + ".id", AggregationProject.outputNames());
            long seed = options.seed();
            AggregationResults.Run sql = measure(
                    generator,
                    options,
                    log,
                    "hand-written SQL",
                    new AggregationSqlOperation(pg, new IdSource(seed, options.users())),
                    Optional.empty());
            IdSource pushUsers = new IdSource(seed + 1, options.users());
            AggregationResults.Run push = measure(
                    generator,
                    options,
                    log,
                    "Slate pushdown",
                    new SlateQueryOperation(
                            http, pushdownAt, "/v1/query/online", () -> bodies.single(pushUsers.next())),
                    Optional.of(AggregationResults.PUSHDOWN_GOAL));
            AggregationResults.Run reads = measure(
                    generator,
                    options,
                    log,
                    "raw Redis bucket reads",
                    BucketReadOperation.load(redis, keys, new IdSource(seed + 2, options.users())),
                    Optional.empty());
            IdSource matUsers = new IdSource(seed + 3, options.users());
            AggregationResults.Run mat = measure(
                    generator,
                    options,
                    log,
                    "Slate materialized",
                    new SlateQueryOperation(
                            http, materializedAt, "/v1/query/online", () -> bodies.single(matUsers.next())),
                    Optional.of(AggregationResults.MATERIALIZED_GOAL));
            AggregationResults results = new AggregationResults(mat, reads, push, sql);
            results.print(log);
            ResultsJson.write(document(options, started, setup, checked, results), options.output());
            log.println();
            log.println(
                    "results written to " + options.output().toAbsolutePath().normalize());
            cleanUp(options, pg, pushdown, materialized, log);
            return results.clean() ? ServingBenchmark.EXIT_OK : ServingBenchmark.EXIT_ERRORS;
        } finally {
            Sync.await(vertx.close(), Duration.ofSeconds(10));
        }
    }

    /**
     * Unless {@code --keep}: deletes both environments (their deployments, Redis keys and offline history) and the
     * table. A failure here is reported, not fatal: the results are written already.
     */
    private static void cleanUp(
            AggregationOptions options, Pool pg, SlateAdmin pushdown, SlateAdmin materialized, PrintStream log) {
        if (options.keep()) {
            log.println("--keep: the table, both environments and their buckets stay for a run with --skip-setup");
            return;
        }
        try {
            pushdown.deleteEnvironment();
            materialized.deleteEnvironment();
            Sync.await(
                    pg.query("DROP TABLE IF EXISTS " + AggregationProject.TABLE).execute(), Duration.ofMinutes(1));
            log.println("dropped " + AggregationProject.TABLE);
        } catch (RuntimeException e) {
            log.println("WARNING: cleaning up failed (" + e.getMessage() + "); the environments "
                    + options.pushdownEnvironment() + " and " + options.materializedEnvironment()
                    + " or the table may remain");
        }
    }

    private static AggregationResults.Run measure(
            LoadGenerator generator,
            AggregationOptions options,
            PrintStream log,
            String label,
            Operation op,
            Optional<Goal> goal) {
        log.printf(
                Locale.ROOT,
                "[%s] %s: open loop, %d req/s, warm-up %d s + measure %d s ...%n",
                label,
                op.describe(),
                options.rate(),
                options.warmup().toSeconds(),
                options.measure().toSeconds());
        RunResult r =
                generator.openLoop(op, options.rate(), options.warmup(), options.measure(), options.connections());
        log.printf(
                Locale.ROOT,
                "    p50 %s ms, p99 %s ms, max %s ms, %s req/s, %d errors%n",
                ResultsTable.ms(r.p50Micros()),
                ResultsTable.ms(r.p99Micros()),
                ResultsTable.ms(r.maxMicros()),
                ResultsTable.rate(r.achievedRate()),
                r.errorCount());
        return new AggregationResults.Run(label, op.describe(), r, goal);
    }

    private static JsonObject document(
            AggregationOptions options,
            Instant started,
            JsonObject setup,
            JsonObject check,
            AggregationResults results) {
        return new JsonObject()
                .put("benchmark", "aggregations (issue 8)")
                .put("started", started.toString())
                .put("machine", MachineInfo.describe())
                .put(
                        "settings",
                        new JsonObject()
                                .put("slate_url", options.slateUrl().toString())
                                .put("pushdown_environment", options.pushdownEnvironment())
                                .put("materialized_environment", options.materializedEnvironment())
                                .put("postgres", options.pg().toString())
                                .put("redis", options.redisUrl().toString())
                                .put("users", options.users())
                                .put("rows_per_user_last_30_days", options.rowsPerUser())
                                .put("outputs", new JsonArray(AggregationProject.outputNames()))
                                .put("rate", options.rate())
                                .put("warmup_seconds", options.warmup().toSeconds())
                                .put("measure_seconds", options.measure().toSeconds())
                                .put("connections", options.connections())
                                .put("seed", options.seed())
                                .put("skip_setup", options.skipSetup())
                                .put("keep", options.keep()))
                .put("setup", setup)
                .put("check", check)
                .put("results", results == null ? null : results.toJson());
    }
}
