package dev.slate.appliance.metrics;

import dev.slate.appliance.monitoring.MonitoringConfig;
import dev.slate.appliance.telemetry.UsageTelemetry;
import dev.slate.serving.engine.exec.FeatureError;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.exec.RowResult;
import dev.slate.serving.engine.monitoring.FeatureStatistics;
import dev.slate.serving.engine.plan.PlannedOutput;
import dev.slate.serving.model.error.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.TimeWindowMax;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Prometheus metrics of the data plane (docs/operations.md, "Metrics"). Every label value is bounded:
 * environments (created by deployments), resolver and feature names (from the deployed projects, at
 * most {@code slate.metrics.max-features} per environment), query names (at most {@code
 * slate.metrics.max-query-names} per environment, and only names of letters, digits, {@code _ . -}),
 * error codes and outcomes (enums). Entity keys and values never become labels.
 *
 * <p>Per query the cost is two map lookups for the query timer and, per output, one for the feature's
 * meters, plus a pass over the rows adding to {@link LongAdder}s: nothing is allocated once the meters
 * exist.
 */
@Singleton
class MicrometerQueryObserver implements QueryObserver {

    private static final Logger LOG = Logger.getLogger(MicrometerQueryObserver.class);
    static final String ADHOC = "adhoc";
    static final String OTHER = "other";
    private static final Pattern QUERY_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Duration[] QUERY_BUCKETS = {
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
                Duration.ofSeconds(10)
    };

    private final MeterRegistry registry;
    private final MetricsConfig config;
    private final UsageTelemetry usage;
    private final FeatureStatistics statistics;
    private final Counter hits;
    private final Counter misses;
    private final Counter[] featureErrors = new Counter[ErrorCode.values().length];
    private final Map<String, ResolverMeters> resolverMeters = new ConcurrentHashMap<>();
    private final Map<String, EnvironmentMeters> environments = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile long lastFailureLog;

    /** Tag values of {@link Outcome}, by ordinal. */
    private static final String[] OUTCOME_TAGS = Arrays.stream(Outcome.values())
            .map(v -> v.name().toLowerCase(Locale.ROOT))
            .toArray(String[]::new);

    MicrometerQueryObserver(
            MeterRegistry registry,
            MetricsConfig config,
            UsageTelemetry usage,
            FeatureStatistics statistics,
            MonitoringConfig monitoring) {
        this.statistics = monitoring.enabled() ? statistics : null;
        this.registry = registry;
        this.config = config;
        this.usage = usage;
        this.hits = Counter.builder("slate.online.store.reads")
                .tag("result", "hit")
                .description("Online store slots read fresh")
                .register(registry);
        this.misses = Counter.builder("slate.online.store.reads")
                .tag("result", "miss")
                .description("Online store slots missing or stale")
                .register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            if (code.scope() == ErrorCode.Scope.PROJECT) {
                continue; // a project problem is never an answer's value error
            }
            featureErrors[code.ordinal()] = Counter.builder("slate.feature.errors")
                    .tag("code", code.name())
                    .description("Output values answered with an error, by error code")
                    .register(registry);
        }
    }

    @Override
    public void storeRead(int hitCount, int missCount, Duration duration) {
        hits.increment(hitCount);
        misses.increment(missCount);
    }

    @Override
    public void storeFailure(String operation, Throwable cause) {
        counters.computeIfAbsent(
                        "store:" + operation,
                        k -> Counter.builder("slate.online.store.failures")
                                .tag("operation", operation)
                                .register(registry))
                .increment();
        long now = System.currentTimeMillis();
        if (now - lastFailureLog > 10_000) { // at most one line per 10 s: a down store must not flood the log
            lastFailureLog = now;
            LOG.warnf(
                    "online store %s failed: %s (queries continue by computing features)", operation, cause.toString());
        }
    }

    /** Called for every resolver run: one map lookup by resolver name, no string building once its meters exist. */
    @Override
    public void resolverRun(String resolver, Duration duration, Outcome outcome) {
        ResolverMeters meters = resolverMeters.computeIfAbsent(resolver, k -> new ResolverMeters());
        int o = outcome.ordinal();
        Timer timer = meters.timers[o];
        if (timer == null) { // registered on first use per outcome; a race registers the same meter twice, harmlessly
            timer = Timer.builder("slate.resolver.duration")
                    .tag("resolver", resolver)
                    .tag("outcome", OUTCOME_TAGS[o])
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry);
            meters.timers[o] = timer;
        }
        timer.record(duration);
        if (outcome != Outcome.OK) {
            Counter errors = meters.errors[o];
            if (errors == null) {
                errors = Counter.builder("slate.resolver.errors")
                        .tag("resolver", resolver)
                        .tag("outcome", OUTCOME_TAGS[o])
                        .register(registry);
                meters.errors[o] = errors;
            }
            errors.increment();
        }
    }

    /** The meters of one resolver, by {@link Outcome#ordinal()}. */
    private static final class ResolverMeters {
        final Timer[] timers = new Timer[Outcome.values().length];
        final Counter[] errors = new Counter[Outcome.values().length];
    }

    @Override
    public void queryCompleted(Completion c) {
        EnvironmentMeters env = environments.computeIfAbsent(c.environment(), EnvironmentMeters::new);
        env.queryTimer(c.queryName(), c.bulk()).record(c.duration());
        List<PlannedOutput> outputs = c.plan().outputs();
        List<RowResult> rows = c.rows();
        long nowNanos = toNanos(c.now());
        long computed =
                0; // values not served from the online store: billed as features computed (docs/specs/usage-records.md)
        for (PlannedOutput out : outputs) {
            FeatureMeters f = env.feature(out.name());
            int s = out.slot();
            long hitCount = 0;
            long ageSum = 0;
            long ageMax = 0;
            for (RowResult r : rows) {
                if (r.errors()[s] != null) {
                    continue;
                }
                if (!r.cacheHit()[s]) {
                    computed++;
                }
                Instant observed = r.observedAt()[s];
                if (observed == null) {
                    continue;
                }
                if (r.cacheHit()[s]) {
                    hitCount++;
                    long age = Math.max(0, nowNanos - toNanos(observed));
                    ageSum += age;
                    ageMax = Math.max(ageMax, age);
                }
            }
            f.requests.add(rows.size());
            f.hits.add(hitCount);
            f.ageNanos.add(ageSum);
            if (hitCount > 0) {
                f.maxAge.record(ageMax, TimeUnit.NANOSECONDS);
                if (statistics != null) { // freshness of feature-value monitoring: a few atomic adds
                    statistics.served(c.environment(), out.name(), hitCount, ageSum, ageMax);
                }
            }
        }
        usage.queryCompleted(c.environment(), c.queryName(), computed);
        if (c.featureErrors() > 0) {
            for (RowResult r : rows) {
                FeatureError[] errors = r.errors();
                for (PlannedOutput out : outputs) {
                    FeatureError e = errors[out.slot()];
                    if (e != null) {
                        featureErrors[e.code().ordinal()].increment();
                    }
                }
            }
        }
    }

    private static long toNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Meters of one environment: query timers by name, and per-feature meters, each bounded in number. */
    private final class EnvironmentMeters {
        private final String environment;
        private final Map<String, Timer[]> queryTimers = new ConcurrentHashMap<>();
        private final Map<String, FeatureMeters> features = new ConcurrentHashMap<>();

        EnvironmentMeters(String environment) {
            this.environment = environment;
        }

        Timer queryTimer(String queryName, boolean bulk) {
            String key = queryName == null || queryName.isEmpty() ? ADHOC : queryName;
            Timer[] timers = queryTimers.get(key);
            if (timers == null) {
                String label = key == ADHOC
                                || (QUERY_NAME.matcher(key).matches() && queryTimers.size() < config.maxQueryNames())
                        ? key
                        : OTHER;
                timers = queryTimers.computeIfAbsent(
                        label, l -> new Timer[] {queryTimer(l, "online"), queryTimer(l, "bulk")});
            }
            return timers[bulk ? 1 : 0];
        }

        private Timer queryTimer(String queryName, String kind) {
            return Timer.builder("slate.query.duration")
                    .tag("environment", environment)
                    .tag("query_name", queryName)
                    .tag("kind", kind)
                    .description("Online query latency inside Slate, from parsed request to answer")
                    .serviceLevelObjectives(QUERY_BUCKETS)
                    .register(registry);
        }

        FeatureMeters feature(String name) {
            FeatureMeters f = features.get(name);
            if (f == null) {
                String label = features.size() < config.maxFeatures() ? name : OTHER;
                f = features.computeIfAbsent(label, l -> new FeatureMeters(registry, environment, l));
                if (label == OTHER) {
                    features.putIfAbsent(name, f);
                }
            }
            return f;
        }
    }

    /** Per feature: requests, cache hits, and the age of values served from the online store. */
    private static final class FeatureMeters {
        final LongAdder requests = new LongAdder();
        final LongAdder hits = new LongAdder();
        final LongAdder ageNanos = new LongAdder();
        final TimeWindowMax maxAge;

        FeatureMeters(MeterRegistry registry, String environment, String feature) {
            maxAge = new TimeWindowMax(registry.config().clock(), DistributionStatisticConfig.DEFAULT);
            FunctionCounter.builder("slate.feature.requests", requests, LongAdder::sum)
                    .tag("environment", environment)
                    .tag("feature", feature)
                    .description("Values of the feature asked for (one per row of a query)")
                    .register(registry);
            FunctionCounter.builder("slate.feature.cache.hits", hits, LongAdder::sum)
                    .tag("environment", environment)
                    .tag("feature", feature)
                    .description(
                            "Values of the feature served fresh from the online store; hit ratio = hits / requests")
                    .register(registry);
            FunctionTimer.builder(
                            "slate.feature.served.age",
                            this,
                            m -> m.hits.sum(),
                            m -> m.ageNanos.sum(),
                            TimeUnit.NANOSECONDS)
                    .tag("environment", environment)
                    .tag("feature", feature)
                    .description(
                            "Age of values served from the online store (query time minus observation time); mean = sum / count")
                    .register(registry);
            TimeGauge.builder("slate.feature.served.age.max", maxAge, TimeUnit.SECONDS, m -> m.poll(TimeUnit.SECONDS))
                    .tag("environment", environment)
                    .tag("feature", feature)
                    .description("Oldest value of the feature served from the online store in the last minutes")
                    .register(registry);
        }
    }
}
