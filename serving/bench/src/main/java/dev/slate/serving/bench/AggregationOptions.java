package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Command-line settings of the aggregation benchmark ({@link AggregationBenchmark}; docs/benchmarks.md,
 * "Aggregations (issue 8)"). The appliance, PostgreSQL and Redis options are those {@code run.sh} passes to every
 * generator; every address must be a loopback address ({@link Loopback}).
 *
 * @param slateUrl base URL of the running appliance
 * @param pg where the transactions table lives and the hand-written SQL baseline connects
 * @param redisUrl the Redis server the appliance uses (for the raw bucket reads)
 * @param redisKeyPrefix the appliance's {@code slate.redis.key-prefix}
 * @param environmentStem the two environments are {@code <stem>push} (pushdown) and {@code <stem>mat} (materialized)
 * @param users the measured users, ids 1..users
 * @param rowsPerUser transactions of each user in the 30 days before the seeding time
 * @param rate open-loop requests per second of every measured run
 * @param warmup warm-up per measured run (not recorded)
 * @param measure measured time per run
 * @param connections HTTP/1.1 keep-alive connections to the appliance
 * @param seed seed of the user id generators, so two runs ask for the same users
 * @param skipSetup reuse the table, environments and buckets of the previous run (no reseeding, no backfill)
 * @param keep leave the table, the environments and their buckets in place at the end (for a later {@code skipSetup});
 *     otherwise the run removes them, as their Redis keys (one row record per transaction and aggregation) would
 *     otherwise stay in a shared Redis for 30 days
 * @param output where the JSON results go
 */
record AggregationOptions(
        URI slateUrl,
        BenchOptions.PgTarget pg,
        URI redisUrl,
        String redisKeyPrefix,
        String environmentStem,
        int users,
        int rowsPerUser,
        int rate,
        Duration warmup,
        Duration measure,
        int connections,
        long seed,
        boolean skipSetup,
        boolean keep,
        Path output) {

    static final String USAGE = """
            Usage: AggregationBenchmark [options]   (serving/bench/aggregations.sh starts the appliance and passes --url)
              --url URL              appliance base URL (default http://127.0.0.1:8080; loopback only)
              --pg-host HOST         PostgreSQL of the transactions table (default 127.0.0.1; loopback only)
              --pg-port PORT         (default 5432)
              --pg-database NAME     (default test)
              --pg-user NAME         (default postgres)
              --pg-password TEXT     (default empty; or env SLATE_BENCH_PG_PASSWORD)
              --redis URL            Redis the appliance uses (default redis://127.0.0.1:6379; loopback only)
              --redis-key-prefix P   the appliance's slate.redis.key-prefix (default slate)
              --environment STEM     environments STEMpush and STEMmat (default agg)
              --users N              measured users, ids 1..N (default 20)
              --rows-per-user N      transactions per user in the last 30 days (default 10000)
              --rate N               open-loop requests/s of every run (default 200)
              --quick                warm-up 2 s + measure 5 s per run
              --warmup SECONDS       warm-up per run (default 5)
              --duration SECONDS     measured time per run (default 15)
              --connections N        HTTP keep-alive connections (default 32)
              --seed N               seed of the user id generators (default 42)
              --skip-setup           reuse the previous run's table, environments and buckets (run with --keep)
              --keep                 leave the table, environments and buckets in place at the end (default: removed)
              --output FILE          JSON results (default serving/bench/target/aggregation-results.json)
            """;

    AggregationOptions {
        requireNonNull(slateUrl, "slateUrl is null");
        requireNonNull(pg, "pg is null");
        requireNonNull(redisUrl, "redisUrl is null");
        requireNonNull(redisKeyPrefix, "redisKeyPrefix is null");
        requireNonNull(environmentStem, "environmentStem is null");
        requireNonNull(warmup, "warmup is null");
        requireNonNull(measure, "measure is null");
        requireNonNull(output, "output is null");
    }

    /** The environment whose aggregations are computed by pushdown to PostgreSQL. */
    String pushdownEnvironment() {
        return environmentStem + "push";
    }

    /** The environment whose aggregations are kept in Redis buckets. */
    String materializedEnvironment() {
        return environmentStem + "mat";
    }

    int slatePort() {
        return BenchOptions.port(slateUrl);
    }

    static AggregationOptions parse(String[] args) {
        URI slateUrl = URI.create("http://127.0.0.1:8080");
        String pgHost = "127.0.0.1";
        int pgPort = 5432;
        String pgDatabase = "test";
        String pgUser = "postgres";
        String pgPassword = System.getenv().getOrDefault("SLATE_BENCH_PG_PASSWORD", "");
        URI redisUrl = URI.create("redis://127.0.0.1:6379");
        String redisKeyPrefix = "slate";
        String stem = "agg";
        int users = 20;
        int rowsPerUser = 10_000;
        int rate = 200;
        Duration warmup = Duration.ofSeconds(5);
        Duration measure = Duration.ofSeconds(15);
        boolean quick = false;
        boolean warmupSet = false;
        boolean measureSet = false;
        int connections = 32;
        long seed = 42;
        boolean skipSetup = false;
        boolean keep = false;
        Path output = defaultOutput();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> throw new BenchOptions.UsageException("");
                case "--quick" -> quick = true;
                case "--skip-setup" -> skipSetup = true;
                case "--keep" -> keep = true;
                default -> {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new BenchOptions.UsageException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--url" -> slateUrl = BenchOptions.httpUrl(value);
                        case "--pg-host" -> pgHost = value.strip();
                        case "--pg-port" -> pgPort = BenchOptions.intValue(name, value, 1, 65_535);
                        case "--pg-database" -> pgDatabase = value.strip();
                        case "--pg-user" -> pgUser = value.strip();
                        case "--pg-password" -> pgPassword = value;
                        case "--redis" -> redisUrl = BenchOptions.redisUrl(value);
                        case "--redis-key-prefix" -> redisKeyPrefix = value.strip();
                        case "--environment" -> stem = environmentStem(value);
                        case "--users" -> users = BenchOptions.intValue(name, value, 1, 10_000);
                        case "--rows-per-user" -> rowsPerUser = BenchOptions.intValue(name, value, 10, 1_000_000);
                        case "--rate" -> rate = BenchOptions.intValue(name, value, 1, 100_000);
                        case "--warmup" -> {
                            warmup = Duration.ofSeconds(BenchOptions.intValue(name, value, 0, 600));
                            warmupSet = true;
                        }
                        case "--duration" -> {
                            measure = Duration.ofSeconds(BenchOptions.intValue(name, value, 1, 600));
                            measureSet = true;
                        }
                        case "--connections" -> connections = BenchOptions.intValue(name, value, 1, 1_024);
                        case "--seed" -> seed = BenchOptions.longValue(name, value);
                        case "--output" -> output = Path.of(value);
                        default -> throw new BenchOptions.UsageException("unknown option " + name);
                    }
                }
            }
        }
        if (quick) {
            warmup = warmupSet ? warmup : Duration.ofSeconds(2);
            measure = measureSet ? measure : Duration.ofSeconds(5);
        }
        if (warmup.plus(measure).compareTo(BenchOptions.MAX_RUN) > 0) {
            throw new BenchOptions.UsageException(
                    "warm-up plus duration must be at most " + BenchOptions.MAX_RUN.toMinutes() + " minutes per run");
        }
        Loopback.require("--url", slateUrl.getHost());
        Loopback.require("--pg-host", pgHost);
        Loopback.require("--redis", redisUrl.getHost());
        return new AggregationOptions(
                slateUrl,
                new BenchOptions.PgTarget(pgHost, pgPort, pgDatabase, pgUser, pgPassword),
                redisUrl,
                redisKeyPrefix,
                stem,
                users,
                rowsPerUser,
                rate,
                warmup,
                measure,
                connections,
                seed,
                skipSetup,
                keep,
                output);
    }

    /** Lower-case letters and digits only: the stem is part of Redis keys and must need no escaping there. */
    static String environmentStem(String value) {
        String stem = value.strip();
        if (!stem.matches("[a-z][a-z0-9]{0,20}")) {
            throw new BenchOptions.UsageException(
                    "--environment must be 1 to 21 lower-case letters and digits, starting with a letter, got "
                            + value);
        }
        return stem;
    }

    private static Path defaultOutput() {
        Path module = Path.of("serving", "bench");
        Path dir = Files.isDirectory(module) ? module.resolve("target") : Path.of("target");
        return dir.resolve("aggregation-results.json");
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "url=%s environments=%s,%s pg=%s redis=%s users=%d rows/user=%d rate=%d/s warmup=%ds measure=%ds",
                slateUrl,
                pushdownEnvironment(),
                materializedEnvironment(),
                pg.url(),
                redisUrl,
                users,
                rowsPerUser,
                rate,
                warmup.toSeconds(),
                measure.toSeconds());
    }
}
