package dev.slate.appliance.metrics;

import dev.slate.engine.exec.QueryObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Prometheus metrics of the data plane:
 * {@code slate_query_duration_seconds} (histogram, tags kind=online|bulk and query_name: the named query called, empty for
 * other queries; only names the deployment declares reach it, so its values are bounded),
 * {@code slate_resolver_duration_seconds} (histogram, tags resolver, outcome=ok|failed|timed_out),
 * {@code slate_resolver_errors_total} (tags resolver, outcome),
 * {@code slate_online_store_reads_total} (tag result=hit|miss; hit ratio = hit / (hit + miss)),
 * {@code slate_online_store_failures_total} (tag operation=read|write),
 * {@code slate_feature_errors_total}.
 */
@Singleton
class MicrometerQueryObserver implements QueryObserver {

    private static final Logger LOG = Logger.getLogger(MicrometerQueryObserver.class);

    private final MeterRegistry registry;
    private final Timer onlineQueries;
    private final Timer bulkQueries;
    private final Counter hits;
    private final Counter misses;
    private final Counter featureErrors;
    private final Map<String, ResolverMeters> resolverMeters = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> namedQueries = new ConcurrentHashMap<>();
    private volatile long lastFailureLog;

    /** Tag values of {@link Outcome}, by ordinal. */
    private static final String[] OUTCOME_TAGS = java.util.Arrays.stream(Outcome.values())
            .map(v -> v.name().toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new);

    MicrometerQueryObserver(MeterRegistry registry) {
        this.registry = registry;
        this.onlineQueries = queryTimer("online");
        this.bulkQueries = queryTimer("bulk");
        this.hits = Counter.builder("slate.online.store.reads").tag("result", "hit").description("Online store slots read fresh").register(registry);
        this.misses = Counter.builder("slate.online.store.reads").tag("result", "miss").description("Online store slots missing or stale").register(registry);
        this.featureErrors = Counter.builder("slate.feature.errors").description("Features answered with an error").register(registry);
    }

    private Timer queryTimer(String kind) {
        return queryTimer(kind, "");
    }

    private Timer queryTimer(String kind, String queryName) {
        return Timer.builder("slate.query.duration").tag("kind", kind).tag("query_name", queryName).description("Online query latency inside Slate")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(0).plusNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    @Override
    public void storeRead(int hitCount, int missCount, Duration duration) {
        hits.increment(hitCount);
        misses.increment(missCount);
    }

    @Override
    public void storeFailure(String operation, Throwable cause) {
        counters.computeIfAbsent("store:" + operation, k -> Counter.builder("slate.online.store.failures").tag("operation", operation).register(registry)).increment();
        long now = System.currentTimeMillis();
        if (now - lastFailureLog > 10_000) { // at most one line per 10 s: a down store must not flood the log
            lastFailureLog = now;
            LOG.warnf("online store %s failed: %s (queries continue by computing features)", operation, cause.toString());
        }
    }

    /** Called for every resolver run: one map lookup by resolver name, no string building once its meters exist. */
    @Override
    public void resolverRun(String resolver, Duration duration, Outcome outcome) {
        ResolverMeters meters = resolverMeters.computeIfAbsent(resolver, k -> new ResolverMeters());
        int o = outcome.ordinal();
        Timer timer = meters.timers[o];
        if (timer == null) { // registered on first use per outcome; a race registers the same meter twice, harmlessly
            timer = Timer.builder("slate.resolver.duration").tag("resolver", resolver).tag("outcome", OUTCOME_TAGS[o]).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
            meters.timers[o] = timer;
        }
        timer.record(duration);
        if (outcome != Outcome.OK) {
            Counter errors = meters.errors[o];
            if (errors == null) {
                errors = Counter.builder("slate.resolver.errors").tag("resolver", resolver).tag("outcome", OUTCOME_TAGS[o]).register(registry);
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
    public void queryCompleted(boolean bulk, int rows, int outputs, int errors, Duration duration) {
        queryCompleted(bulk, null, rows, outputs, errors, duration);
    }

    @Override
    public void queryCompleted(boolean bulk, String queryName, int rows, int outputs, int errors, Duration duration) {
        Timer timer = queryName == null ? (bulk ? bulkQueries : onlineQueries)
                : namedQueries.computeIfAbsent((bulk ? "bulk:" : "online:") + queryName, k -> queryTimer(bulk ? "bulk" : "online", queryName));
        timer.record(duration);
        if (errors > 0) {
            featureErrors.increment(errors);
        }
    }
}
