package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Command-line settings of one benchmark run. Every address must be a loopback address
 * ({@link Loopback}); durations and request counts are bounded.
 *
 * @param slateUrl base URL of the running appliance
 * @param environment value of the {@code X-Slate-Environment} header for deploy and queries
 * @param pg where the bench table lives and the PostgreSQL baseline connects
 * @param redisUrl the Redis server the appliance uses (for the raw baseline)
 * @param redisKeyPrefix the appliance's Redis key prefix ({@code slate.redis.key-prefix})
 * @param warmup warm-up per measured run (not recorded)
 * @param measure measured time per run
 * @param scenarios which scenarios to run
 * @param connections HTTP/1.1 keep-alive connections to the appliance
 * @param closedConcurrency requests in flight in closed-loop mode
 * @param rateA open-loop rate of scenario (a), requests per second
 * @param rateB open-loop rate of scenario (b)
 * @param rateC open-loop rate of scenario (c)
 * @param rateD open-loop rate of scenario (d)
 * @param floorUrl base URL of the floor server ({@link FloorServer}), when one runs; the floor is then measured in (a) and (b)
 * @param hotIds (a) and (b) draw ids from 1..hotIds; these are warmed into the cache first
 * @param maxRequestsPerRun upper bound of requests sent in one run (warm-up plus measure)
 * @param spinMicros the open-loop scheduler parks until this close to a send time, then spins
 * @param seed seed of the id generators, so two runs ask for the same ids
 * @param baselineOnly run only the raw baselines (no appliance needed)
 * @param slateOnly measure only Slate: no raw baseline and no floor server run, so the load on the appliance is one
 *     uninterrupted window (the telemetry outage benchmark runs one such window per phase)
 * @param skipSetup do not create the table or deploy the project (they are already in place)
 * @param output where the JSON results go
 */
record BenchOptions(
        URI slateUrl,
        String environment,
        PgTarget pg,
        URI redisUrl,
        String redisKeyPrefix,
        Duration warmup,
        Duration measure,
        Set<ScenarioId> scenarios,
        int connections,
        int closedConcurrency,
        int rateA,
        int rateB,
        int rateC,
        int rateD,
        Optional<URI> floorUrl,
        int hotIds,
        long maxRequestsPerRun,
        int spinMicros,
        long seed,
        boolean baselineOnly,
        boolean slateOnly,
        boolean skipSetup,
        Path output) {

    /** Rows in the bench table; ids run from 1 to this number. */
    static final int TABLE_ROWS = 100_000;

    static final Duration MAX_RUN = Duration.ofMinutes(10);

    private static final Set<String> VALUE_OPTIONS = Set.of(
            "--url",
            "--environment",
            "--pg-host",
            "--pg-port",
            "--pg-database",
            "--pg-user",
            "--pg-password",
            "--redis",
            "--redis-key-prefix",
            "--scenario",
            "--warmup",
            "--duration",
            "--connections",
            "--concurrency",
            "--rate-a",
            "--rate-b",
            "--rate-c",
            "--rate-d",
            "--floor-url",
            "--hot-ids",
            "--max-requests",
            "--spin-us",
            "--seed",
            "--output");

    /** Connection settings of the bench PostgreSQL database. */
    record PgTarget(String host, int port, String database, String user, String password) {
        PgTarget {
            requireNonNull(host, "host is null");
            requireNonNull(database, "database is null");
            requireNonNull(user, "user is null");
            requireNonNull(password, "password is null");
        }

        /** The URL the appliance gets as secret {@code bench_db_url} (no credentials in it). */
        String url() {
            return "postgresql://" + host + ":" + port + "/" + database;
        }

        @Override
        public String toString() {
            return url() + " as " + user;
        }
    }

    BenchOptions {
        requireNonNull(slateUrl, "slateUrl is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(pg, "pg is null");
        requireNonNull(redisUrl, "redisUrl is null");
        requireNonNull(redisKeyPrefix, "redisKeyPrefix is null");
        requireNonNull(floorUrl, "floorUrl is null");
        requireNonNull(warmup, "warmup is null");
        requireNonNull(measure, "measure is null");
        scenarios = Set.copyOf(scenarios);
        requireNonNull(output, "output is null");
    }

    static final String USAGE = """
            Usage: ServingBenchmark [options]
              --url URL              appliance base URL (default http://127.0.0.1:8080; loopback only)
              --environment NAME     X-Slate-Environment for deploy and queries (default bench)
              --pg-host HOST         bench PostgreSQL host (default 127.0.0.1; loopback only)
              --pg-port PORT         (default 5432)
              --pg-database NAME     (default test)
              --pg-user NAME         (default postgres)
              --pg-password TEXT     (default empty; or env SLATE_BENCH_PG_PASSWORD)
              --redis URL            Redis the appliance uses (default redis://127.0.0.1:6379; loopback only)
              --redis-key-prefix P   the appliance's slate.redis.key-prefix (default slate)
              --scenario LIST        comma-separated: a, a-open, a-closed, b, c, d, all (default all)
              --quick                warm-up 2 s + measure 5 s per run
              --warmup SECONDS       warm-up per run (default 5)
              --duration SECONDS     measured time per run (default 15)
              --connections N        HTTP keep-alive connections (default 32)
              --concurrency N        in-flight requests in closed-loop mode (default 32)
              --rate-a N             requests/s of scenario a (default 1000)
              --rate-b N             requests/s of scenario b (default 50)
              --rate-c N             requests/s of scenario c (default 500)
              --rate-d N             requests/s of scenario d (default 5)
              --floor-url URL        the floor server (FloorServer; loopback only), measured in a and b next to Slate
              --hot-ids N            ids 1..N are used by a and b and warmed into the cache (default 10000)
              --max-requests N       bound on requests per run (default 2000000)
              --spin-us N            open-loop scheduler spins for the last N us before a send (default 80)
              --seed N               seed of the id generators (default 42)
              --baseline-only        only the raw Redis/PostgreSQL baselines (no appliance)
              --slate-only           only Slate: no raw baseline and no floor server runs
              --skip-setup           do not (re)create the bench table or deploy the project
              --output FILE          JSON results (default serving/bench/target/bench-results.json)
            """;

    static BenchOptions parse(String[] args) {
        URI slateUrl = URI.create("http://127.0.0.1:8080");
        String environment = "bench";
        String pgHost = "127.0.0.1";
        int pgPort = 5432;
        String pgDatabase = "test";
        String pgUser = "postgres";
        String pgPassword = System.getenv().getOrDefault("SLATE_BENCH_PG_PASSWORD", "");
        URI redisUrl = URI.create("redis://127.0.0.1:6379");
        String redisKeyPrefix = "slate";
        Duration warmup = Duration.ofSeconds(5);
        Duration measure = Duration.ofSeconds(15);
        boolean quick = false;
        boolean warmupSet = false;
        boolean measureSet = false;
        Set<ScenarioId> scenarios = EnumSet.allOf(ScenarioId.class);
        int connections = 32;
        int concurrency = 32;
        int rateA = 1000;
        int rateB = 50;
        int rateC = 500;
        int rateD = 5;
        Optional<URI> floorUrl = Optional.empty();
        int hotIds = 10_000;
        long maxRequests = 2_000_000;
        int spinMicros = 80;
        long seed = 42;
        boolean baselineOnly = false;
        boolean slateOnly = false;
        boolean skipSetup = false;
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
                case "--quick" -> quick = true;
                case "--baseline-only" -> baselineOnly = true;
                case "--slate-only" -> slateOnly = true;
                case "--skip-setup" -> skipSetup = true;
                case "--help", "-h" -> throw new UsageException("");
                default -> {
                    if (!VALUE_OPTIONS.contains(name)) {
                        throw new UsageException("unknown option " + name);
                    }
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("option " + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--url" -> slateUrl = httpUrl(value);
                        case "--environment" -> environment = value;
                        case "--pg-host" -> pgHost = value;
                        case "--pg-port" -> pgPort = intValue(name, value, 1, 65535);
                        case "--pg-database" -> pgDatabase = value;
                        case "--pg-user" -> pgUser = value;
                        case "--pg-password" -> pgPassword = value;
                        case "--redis" -> redisUrl = redisUrl(value);
                        case "--redis-key-prefix" -> redisKeyPrefix = value;
                        case "--scenario" -> scenarios = ScenarioId.parseList(value);
                        case "--warmup" -> {
                            warmup = Duration.ofSeconds(intValue(name, value, 0, 600));
                            warmupSet = true;
                        }
                        case "--duration" -> {
                            measure = Duration.ofSeconds(intValue(name, value, 1, 600));
                            measureSet = true;
                        }
                        case "--connections" -> connections = intValue(name, value, 1, 1024);
                        case "--concurrency" -> concurrency = intValue(name, value, 1, 4096);
                        case "--rate-a" -> rateA = intValue(name, value, 1, 1_000_000);
                        case "--rate-b" -> rateB = intValue(name, value, 1, 1_000_000);
                        case "--rate-c" -> rateC = intValue(name, value, 1, 1_000_000);
                        case "--rate-d" -> rateD = intValue(name, value, 1, 1_000_000);
                        case "--floor-url" -> floorUrl = Optional.of(httpUrl(value));
                        case "--hot-ids" -> hotIds = intValue(name, value, 100, TABLE_ROWS);
                        case "--max-requests" -> maxRequests = intValue(name, value, 1, 100_000_000);
                        case "--spin-us" -> spinMicros = intValue(name, value, 0, 10_000);
                        case "--seed" -> seed = longValue(name, value);
                        case "--output" -> output = Path.of(value);
                        default -> throw new UsageException("unknown option " + name);
                    }
                }
            }
        }
        if (quick) {
            warmup = warmupSet ? warmup : Duration.ofSeconds(2);
            measure = measureSet ? measure : Duration.ofSeconds(5);
        }
        if (warmup.plus(measure).compareTo(MAX_RUN) > 0) {
            throw new UsageException(
                    "warm-up plus duration must be at most " + MAX_RUN.toMinutes() + " minutes per run");
        }
        if (baselineOnly && slateOnly) {
            throw new UsageException("--baseline-only and --slate-only exclude each other");
        }
        Loopback.require("--url", slateUrl.getHost());
        Loopback.require("--pg-host", pgHost);
        Loopback.require("--redis", redisUrl.getHost());
        if (floorUrl.isPresent()) {
            Loopback.require("--floor-url", floorUrl.get().getHost());
        }
        return new BenchOptions(
                slateUrl,
                environment,
                new PgTarget(pgHost, pgPort, pgDatabase, pgUser, pgPassword),
                redisUrl,
                redisKeyPrefix,
                warmup,
                measure,
                scenarios,
                connections,
                concurrency,
                rateA,
                rateB,
                rateC,
                rateD,
                floorUrl,
                hotIds,
                maxRequests,
                spinMicros,
                seed,
                baselineOnly,
                slateOnly,
                skipSetup,
                output);
    }

    int slatePort() {
        return port(slateUrl);
    }

    static int port(URI url) {
        if (url.getPort() > 0) {
            return url.getPort();
        }
        return "https".equals(url.getScheme()) ? 443 : 80;
    }

    private static Path defaultOutput() {
        Path module = Path.of("serving", "bench");
        if (Files.isDirectory(module)) {
            return module.resolve("target").resolve("bench-results.json");
        }
        return Path.of("target", "bench-results.json");
    }

    static URI httpUrl(String value) {
        URI uri = parseUri("--url", value);
        if (!"http".equals(uri.getScheme())) {
            throw new UsageException("--url must be an http:// URL, got " + value);
        }
        return uri;
    }

    static URI redisUrl(String value) {
        URI uri = parseUri("--redis", value);
        if (!"redis".equals(uri.getScheme())) {
            throw new UsageException("--redis must be a redis:// URL, got " + value);
        }
        return uri;
    }

    private static URI parseUri(String option, String value) {
        try {
            URI uri = new URI(value.strip());
            if (uri.getHost() == null) {
                throw new UsageException(option + " has no host: " + value);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException(option + " is not a URL: " + value);
        }
    }

    static int intValue(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.strip().replace("_", ""));
            if (n < min || n > max) {
                throw new UsageException(option + " must be between " + min + " and " + max + ", got " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number, got " + value);
        }
    }

    static long longValue(String option, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number, got " + value);
        }
    }

    /** A bad command line; the message says what to fix (empty for {@code --help}). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "url=%s env=%s pg=%s redis=%s warmup=%ds measure=%ds scenarios=%s",
                slateUrl,
                environment,
                pg.url(),
                redisUrl,
                warmup.toSeconds(),
                measure.toSeconds(),
                scenarios.stream().sorted().map(ScenarioId::label).toList());
    }
}
