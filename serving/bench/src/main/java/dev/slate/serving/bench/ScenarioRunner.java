package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.http.HttpClient;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs each selected scenario: first its raw baseline, then (in (a) and (b), when a floor server runs)
 * the floor, then the same load against Slate, each with its own warm-up and measured window, one
 * after the other in the same process and run.
 */
final class ScenarioRunner {

    /** Entities per bulk request in (b) and (d). */
    static final int BULK_IDS = 100;

    private final BenchOptions options;
    private final LoadGenerator generator;
    private final HttpClient http;
    private final SlateEndpoint endpoint;
    private final SlateAdmin admin;
    private final Redis redis;
    private final RedisBaselineKeys baselineKeys;
    private final Pool pg;
    private final Optional<Floor> floor;
    private final PrintStream log;

    /** The floor server ({@link FloorServer}): where it listens, and a client for its checks. */
    record Floor(SlateEndpoint endpoint, SlateAdmin admin) {
        Floor {
            requireNonNull(endpoint, "endpoint is null");
            requireNonNull(admin, "admin is null");
        }
    }

    ScenarioRunner(
            BenchOptions options,
            LoadGenerator generator,
            HttpClient http,
            SlateEndpoint endpoint,
            SlateAdmin admin,
            Redis redis,
            RedisBaselineKeys baselineKeys,
            Pool pg,
            Optional<Floor> floor,
            PrintStream log) {
        this.options = requireNonNull(options, "options is null");
        this.generator = requireNonNull(generator, "generator is null");
        this.http = requireNonNull(http, "http is null");
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.admin = requireNonNull(admin, "admin is null");
        this.redis = requireNonNull(redis, "redis is null");
        this.baselineKeys = requireNonNull(baselineKeys, "baselineKeys is null");
        this.pg = requireNonNull(pg, "pg is null");
        this.floor = requireNonNull(floor, "floor is null");
        this.log = requireNonNull(log, "log is null");
    }

    List<ScenarioResult> runAll() {
        List<ScenarioResult> results = new ArrayList<>();
        for (ScenarioId id : ScenarioId.values()) {
            if (options.scenarios().contains(id)) {
                results.add(run(id));
            }
        }
        return results;
    }

    private ScenarioResult run(ScenarioId id) {
        long seed = options.seed() + id.ordinal() * 1_000_003L;
        List<String> notes = new ArrayList<>();
        Operation baseline;
        Operation slate;
        Operation floorOp = null;
        String description;
        switch (id) {
            case A_OPEN, A_CLOSED -> {
                description = "1 entity x 50 cached features (" + BenchProject.CACHED_ENTITY + ", ids 1.."
                        + options.hotIds() + ")";
                baseline = new RedisHmgetOperation(redis, baselineKeys, new IdSource(seed, options.hotIds()), 1);
                QueryBodies bodies = QueryBodies.of(BenchProject.CACHED_ENTITY + ".id", BenchProject.cachedOutputs());
                IdSource ids = new IdSource(seed, options.hotIds());
                slate = new SlateQueryOperation(http, endpoint, "/v1/query/online", () -> bodies.single(ids.next()));
                long checkId = new IdSource(seed ^ 7, options.hotIds()).next();
                if (floor.isPresent()) {
                    IdSource floorIds = new IdSource(seed, options.hotIds());
                    floorOp = new SlateQueryOperation(
                            http, floor.get().endpoint(), "/v1/query/online", () -> bodies.single(floorIds.next()));
                }
                if (!options.baselineOnly()) {
                    notes.addAll(prefixed(
                            "check",
                            ScenarioCheck.single(
                                    admin, BenchProject.CACHED_ENTITY, BenchProject.cachedOutputs(), checkId, true)));
                    floor.ifPresent(f -> notes.addAll(prefixed(
                            "check floor",
                            FloorCheck.compare(admin, f.admin(), "/v1/query/online", bodies.single(checkId)))));
                }
            }
            case B -> {
                description = BULK_IDS + " entities x 50 cached features per request (bulk)";
                baseline = new RedisHmgetOperation(redis, baselineKeys, new IdSource(seed, options.hotIds()), BULK_IDS);
                QueryBodies bodies = QueryBodies.of(BenchProject.CACHED_ENTITY + ".id", BenchProject.cachedOutputs());
                IdSource ids = new IdSource(seed, options.hotIds());
                slate = new SlateQueryOperation(
                        http, endpoint, "/v1/query/online/bulk", () -> bodies.bulk(ids.distinct(BULK_IDS)));
                long[] checkIds = new IdSource(seed ^ 7, options.hotIds()).distinct(BULK_IDS);
                if (floor.isPresent()) {
                    IdSource floorIds = new IdSource(seed, options.hotIds());
                    floorOp = new SlateQueryOperation(
                            http,
                            floor.get().endpoint(),
                            "/v1/query/online/bulk",
                            () -> bodies.bulk(floorIds.distinct(BULK_IDS)));
                }
                if (!options.baselineOnly()) {
                    notes.addAll(prefixed(
                            "check",
                            ScenarioCheck.bulk(
                                    admin, BenchProject.CACHED_ENTITY, BenchProject.cachedOutputs(), checkIds, true)));
                    floor.ifPresent(f -> notes.addAll(prefixed(
                            "check floor",
                            FloorCheck.compare(admin, f.admin(), "/v1/query/online/bulk", bodies.bulk(checkIds)))));
                }
            }
            case C -> {
                description =
                        "uncached: 1 PostgreSQL resolver (76 columns by primary key) + 24 CEL expressions = 100 features";
                baseline = new PgSelectOperation(
                        pg, BenchSchema.livePositionalSelect(), new IdSource(seed, BenchOptions.TABLE_ROWS), 1);
                IdSource ids = new IdSource(seed, BenchOptions.TABLE_ROWS);
                QueryBodies bodies = QueryBodies.of(BenchProject.LIVE_ENTITY + ".id", BenchProject.liveOutputs());
                slate = new SlateQueryOperation(http, endpoint, "/v1/query/online", () -> bodies.single(ids.next()));
                notes.add(
                        "the baseline is the SQL round trip only; the 24 CEL expressions and the response of 100 values have no raw baseline");
                if (!options.baselineOnly()) {
                    notes.addAll(prefixed(
                            "check",
                            ScenarioCheck.single(
                                    admin,
                                    BenchProject.LIVE_ENTITY,
                                    BenchProject.liveOutputs(),
                                    new IdSource(seed ^ 7, BenchOptions.TABLE_ROWS).next(),
                                    false)));
                }
            }
            case D -> {
                description = "bulk uncached: " + BULK_IDS
                        + " entities x (1 PostgreSQL resolver of 76 columns + 24 CEL expressions)" + " = " + BULK_IDS
                        + " x 100 features per request";
                baseline = new PgSelectOperation(
                        pg, BenchSchema.liveBulkSelect(), new IdSource(seed, BenchOptions.TABLE_ROWS), BULK_IDS);
                IdSource ids = new IdSource(seed, BenchOptions.TABLE_ROWS);
                QueryBodies bodies = QueryBodies.of(BenchProject.LIVE_ENTITY + ".id", BenchProject.liveOutputs());
                slate = new SlateQueryOperation(
                        http, endpoint, "/v1/query/online/bulk", () -> bodies.bulk(ids.distinct(BULK_IDS)));
                notes.add(
                        "the baseline is one SQL statement for all " + BULK_IDS
                                + " ids (= ANY($1)); the 2,400 CEL evaluations and the response of 10,000 values have no raw baseline");
                if (!options.baselineOnly()) {
                    notes.addAll(prefixed(
                            "check",
                            ScenarioCheck.bulk(
                                    admin,
                                    BenchProject.LIVE_ENTITY,
                                    BenchProject.liveOutputs(),
                                    new IdSource(seed ^ 7, BenchOptions.TABLE_ROWS).distinct(BULK_IDS),
                                    false)));
                }
            }
            default -> throw new IllegalStateException("unknown scenario " + id);
        }
        for (String note : notes) {
            if (note.startsWith("check")) {
                log.println("WARNING (" + id.label() + "): " + note);
            }
        }
        RunResult baselineRun = options.slateOnly() ? null : measure(id, "baseline", baseline);
        RunResult floorRun = floorOp == null || options.slateOnly() ? null : measure(id, "floor", floorOp);
        Optional<FeatureLogCounters> logBefore =
                options.baselineOnly() ? Optional.empty() : FeatureLogCounters.read(admin);
        RunResult slateRun = options.baselineOnly() ? null : measure(id, "slate", slate);
        logBefore.ifPresent(before -> FeatureLogCounters.read(admin).ifPresent(after -> {
            notes.add(after.since(before));
            log.println("    " + after.since(before));
        }));
        if (options.baselineOnly()) {
            notes.add("--baseline-only: Slate was not measured");
        }
        if (options.slateOnly()) {
            notes.add("--slate-only: neither the raw baseline nor the floor server was measured");
        }
        return new ScenarioResult(
                id,
                description,
                Goal.of(id),
                slate.describe(),
                slateRun,
                baseline.describe(),
                baselineRun,
                floorRun == null ? "" : "floor server: " + floorOp.describe(),
                floorRun,
                notes);
    }

    private RunResult measure(ScenarioId id, String system, Operation op) {
        String how = id == ScenarioId.A_CLOSED
                ? "closed loop, " + options.closedConcurrency() + " in flight"
                : "open loop, " + rate(id) + " req/s";
        log.printf(
                Locale.ROOT,
                "[%s] %-8s %s: %s, warm-up %d s + measure %d s ...%n",
                id.label(),
                system,
                op.describe(),
                how,
                options.warmup().toSeconds(),
                options.measure().toSeconds());
        RunResult r = id == ScenarioId.A_CLOSED
                ? generator.closedLoop(op, options.closedConcurrency(), options.warmup(), options.measure())
                : generator.openLoop(op, rate(id), options.warmup(), options.measure(), options.connections());
        log.printf(
                Locale.ROOT,
                "    p50 %s ms, p99 %s ms, max %s ms, %s req/s, %d errors%n",
                ResultsTable.ms(r.p50Micros()),
                ResultsTable.ms(r.p99Micros()),
                ResultsTable.ms(r.maxMicros()),
                ResultsTable.rate(r.achievedRate()),
                r.errorCount());
        return r;
    }

    private int rate(ScenarioId id) {
        return switch (id) {
            case A_OPEN, A_CLOSED -> options.rateA();
            case B -> options.rateB();
            case C -> options.rateC();
            case D -> options.rateD();
        };
    }

    private static List<String> prefixed(String prefix, List<String> problems) {
        return problems.stream().map(p -> prefix + ": " + p).toList();
    }
}
