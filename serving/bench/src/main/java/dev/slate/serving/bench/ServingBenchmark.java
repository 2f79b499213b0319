package dev.slate.serving.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The serving benchmark (docs/benchmarks.md): prepares the bench table and project, warms the cache,
 * then measures scenarios (a), (a) closed loop, (b), (c) and (d) against the appliance and, side by side
 * in the same run, against raw baselines (the same Redis reads or PostgreSQL query issued directly by
 * the Vert.x clients) and, in (a) and (b), against the floor server ({@link FloorServer}) when one
 * runs. Prints a table and writes JSON.
 *
 * <p>Exit status: 0 when every run completed without errors (whether or not the targets were met),
 * 3 when a run counted errors or a check failed, 2 for a bad command line, 1 when setup failed.
 */
public final class ServingBenchmark {

    static final int EXIT_OK = 0;
    static final int EXIT_SETUP_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_ERRORS = 3;

    /** Connections of the Redis baseline's pool: the appliance's default {@code slate.redis.pool-size}. */
    static final int REDIS_POOL_SIZE = 8;

    private ServingBenchmark() {}

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (BenchOptions.UsageException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.print(BenchOptions.USAGE);
            System.exit(e.getMessage().isEmpty() ? EXIT_OK : EXIT_USAGE);
            return;
        }
        int status;
        try {
            status = run(options, System.out);
        } catch (RuntimeException e) {
            System.err.println("benchmark failed: " + e.getMessage());
            status = EXIT_SETUP_FAILED;
        }
        System.exit(status);
    }

    static int run(BenchOptions options, PrintStream log) {
        Instant started = Instant.now();
        log.println("Slate serving benchmark: " + options);
        String load = MachineInfo.loadAverage();
        log.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average " + load
                + " (the generator and the appliance share the machine)");
        Vertx vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        try {
            Context context = vertx.getOrCreateContext();
            HttpClient http = httpClient(vertx, options.connections());
            Redis redis = redisClient(vertx, options.redisUrl());
            Pool pg = pgPool(vertx, options.pg(), BenchProject.SOURCE_CONNECTIONS);
            SlateEndpoint endpoint =
                    new SlateEndpoint(options.slateUrl().getHost(), options.slatePort(), options.environment());
            SlateAdmin admin = new SlateAdmin(http, endpoint, log);
            JsonObject setup = new JsonObject().put("load_average_at_start", load);
            Sync.await(RedisBaselineSetup.ping(redis), Duration.ofSeconds(10));
            BenchData data = new BenchData(pg, log);
            if (options.skipSetup()) {
                if (!data.inPlace(BenchOptions.TABLE_ROWS)) {
                    throw new IllegalStateException(
                            "--skip-setup, but " + BenchSchema.TABLE + " is not in place; run once without it");
                }
            } else {
                data.ensure(BenchOptions.TABLE_ROWS);
            }
            RedisBaselineSetup redisSetup = new RedisBaselineSetup(redis);
            RedisBaselineKeys keys;
            boolean synthetic = false;
            if (options.baselineOnly()) {
                keys = redisSetup.writeSynthetic(options.hotIds());
                synthetic = true;
            } else {
                admin.awaitReady(Duration.ofSeconds(60));
                if (!options.skipSetup()) {
                    setup.put("deployment", admin.deploy(BenchProject.files()));
                }
                if (options.scenarios().stream().anyMatch(ScenarioId::readsCache)) {
                    long dropped = redisSetup.dropEntries(
                            options.redisKeyPrefix(), endpoint.environment(), BenchProject.CACHED_ENTITY);
                    log.println("cache reset: removed " + dropped
                            + " entries of earlier runs, so that none expires during this one");
                    admin.warmCache(options.hotIds(), Duration.ofSeconds(60));
                }
                Optional<RedisBaselineKeys> found =
                        redisSetup.discover(options.redisKeyPrefix(), BenchProject.CACHED_ENTITY, 1);
                if (found.isPresent()) {
                    keys = found.get();
                } else {
                    log.println("WARNING: could not find the appliance's cache entries under prefix '"
                            + options.redisKeyPrefix()
                            + "'; the Redis baseline reads synthetic hashes of the same shape");
                    keys = redisSetup.writeSynthetic(options.hotIds());
                    synthetic = true;
                }
            }
            log.println("Redis baseline reads " + keys.origin());
            setup.put("redis_baseline_keys", keys.origin());
            Optional<ScenarioRunner.Floor> floor = options.floorUrl().map(url -> {
                SlateEndpoint at = new SlateEndpoint(url.getHost(), BenchOptions.port(url), options.environment());
                return new ScenarioRunner.Floor(at, new SlateAdmin(http, at, log));
            });
            if (floor.isPresent()) {
                configureFloor(floor.get(), keys, log);
                setup.put("floor", options.floorUrl().get().toString());
            }
            LoadGenerator generator = new LoadGenerator(
                    context, options.maxRequestsPerRun(), options.spinMicros(), 50_000, Duration.ofSeconds(15));
            List<ScenarioResult> results =
                    new ScenarioRunner(options, generator, http, endpoint, admin, redis, keys, pg, floor, log).runAll();
            RunResult generatorFloor = measureFloor(generator, options, log);
            ResultsTable.print(results, log);
            ResultsTable.printFloor(generatorFloor, options.rateA(), log);
            JsonObject json = ResultsJson.toJson(options, setup, results, started);
            json.put("generator_floor", ResultsJson.run(new NoopOperation().describe(), generatorFloor));
            ResultsJson.write(json, options.output());
            log.println();
            log.println(
                    "results written to " + options.output().toAbsolutePath().normalize());
            if (synthetic) {
                redisSetup.deleteSynthetic(options.hotIds());
            }
            boolean clean = results.stream()
                    .allMatch(r -> r.notes().stream().noneMatch(n -> n.startsWith("check"))
                            && (r.slate() == null || r.slate().errorCount() == 0)
                            && (r.baseline() == null || r.baseline().errorCount() == 0)
                            && (r.floor() == null || r.floor().errorCount() == 0));
            return clean ? EXIT_OK : EXIT_ERRORS;
        } finally {
            Sync.await(vertx.close(), Duration.ofSeconds(10));
        }
    }

    /**
     * The generator's own floor: the open-loop schedule at rate (a) against an operation that
     * completes at once (at most 2 s warm-up + 5 s), measured after the
     * scenarios so that the generator is warm. Every latency above includes this much.
     */
    private static RunResult measureFloor(LoadGenerator generator, BenchOptions options, PrintStream log) {
        Duration warmup =
                options.warmup().compareTo(Duration.ofSeconds(2)) < 0 ? options.warmup() : Duration.ofSeconds(2);
        Duration measure =
                options.measure().compareTo(Duration.ofSeconds(5)) < 0 ? options.measure() : Duration.ofSeconds(5);
        log.printf(
                Locale.ROOT,
                "[floor] generator alone (no-op request): open loop, %d req/s, warm-up %d s + measure %d s ...%n",
                options.rateA(),
                warmup.toSeconds(),
                measure.toSeconds());
        RunResult floor = generator.openLoop(new NoopOperation(), options.rateA(), warmup, measure, 0);
        log.printf(
                "    p50 %s ms, p99 %s ms, max %s ms%n",
                ResultsTable.ms(floor.p50Micros()),
                ResultsTable.ms(floor.p99Micros()),
                ResultsTable.ms(floor.maxMicros()));
        return floor;
    }

    /** Tells the floor server which hash fields hold the outputs of (a) and (b): the ones the Redis baseline reads. */
    private static void configureFloor(ScenarioRunner.Floor floor, RedisBaselineKeys keys, PrintStream log) {
        floor.admin().awaitReady(Duration.ofSeconds(30), "/health");
        HttpAnswer a = floor.admin()
                .call(
                        HttpMethod.PUT,
                        "/floor/catalog",
                        FloorCatalog.forBench(keys).toJson().toBuffer());
        if (a.status() != 204) {
            throw new IllegalStateException(
                    "configuring the floor server failed: HTTP " + a.status() + "\n" + a.excerpt());
        }
        log.println("floor server at " + floor.endpoint().host() + ":"
                + floor.endpoint().port() + " reads the same hashes");
    }

    /** The generator's HTTP/1.1 client: keep-alive, no pipelining, {@code connections} connections, no wait-queue bound. */
    static HttpClient httpClient(Vertx vertx, int connections) {
        return vertx.createHttpClient(
                new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_1_1)
                        .setKeepAlive(true)
                        .setPipelining(false)
                        .setTcpNoDelay(true)
                        .setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /** The raw baselines' Redis client: {@value #REDIS_POOL_SIZE} connections, as the appliance has by default. */
    static Redis redisClient(Vertx vertx, URI url) {
        return Redis.createClient(
                vertx,
                new RedisOptions()
                        .setConnectionString(url.toString())
                        .setMaxPoolSize(REDIS_POOL_SIZE)
                        .setMaxPoolWaiting(100_000)
                        .setMaxWaitingHandlers(100_000));
    }

    /** The raw baselines' PostgreSQL pool: {@code size} connections, statements prepared and cached. */
    static Pool pgPool(Vertx vertx, BenchOptions.PgTarget pg, int size) {
        return PgBuilder.pool()
                .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(size).setMaxWaitQueueSize(100_000))
                .connectingTo(pgOptions(pg))
                .using(vertx)
                .build();
    }

    private static PgConnectOptions pgOptions(BenchOptions.PgTarget pg) {
        PgConnectOptions o = new PgConnectOptions()
                .setHost(pg.host())
                .setPort(pg.port())
                .setDatabase(pg.database())
                .setUser(pg.user())
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(512);
        if (!pg.password().isEmpty()) {
            o.setPassword(pg.password());
        }
        return o;
    }
}
