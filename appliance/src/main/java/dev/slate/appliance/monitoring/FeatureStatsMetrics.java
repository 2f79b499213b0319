package dev.slate.appliance.monitoring;

import dev.slate.serving.engine.monitoring.FeatureStatistics;
import dev.slate.serving.engine.monitoring.FeatureValueStats;
import dev.slate.serving.engine.monitoring.ReferenceSummary;
import dev.slate.serving.engine.monitoring.StatsWindow;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Feature-value statistics and drift as Prometheus series (docs/operations.md, "Feature-value monitoring"), so that
 * alert formulas can read them: per environment and tracked feature over the 5-minute window, and per reference and
 * feature the drift over the 1-hour window. Series are registered by a background refresh (every {@code
 * slate.monitoring.refresh-interval}) as features get values and references appear; a scrape reads each feature's
 * statistics once (cached for a second), never on the query path. Labels are bounded: features by {@code
 * slate.monitoring.max-features}, references by what operators create.
 */
@Singleton
class FeatureStatsMetrics {

    private static final Logger LOG = Logger.getLogger(FeatureStatsMetrics.class);
    static final StatsWindow GAUGE_WINDOW = StatsWindow.FIVE_MINUTES;
    static final StatsWindow DRIFT_WINDOW = StatsWindow.ONE_HOUR;
    private static final double[] GAUGE_QUANTILES = {0.5, 0.95, 0.99};

    private final MeterRegistry registry;
    private final FeatureMonitoring monitoring;
    private final MonitoringConfig config;
    private final long refreshMillis;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Map<String, Cached<FeatureValueStats>> statsCache = new ConcurrentHashMap<>();
    private final Map<String, Cached<Optional<DriftResult>>> driftCache = new ConcurrentHashMap<>();
    private final Map<String, ReferenceSummary> summaries = new ConcurrentHashMap<>();
    private ScheduledExecutorService refresher;

    FeatureStatsMetrics(MeterRegistry registry, FeatureMonitoring monitoring, MonitoringConfig config) {
        this.registry = registry;
        this.monitoring = monitoring;
        this.config = config;
        this.refreshMillis = config.refreshInterval().toMillis();
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        FeatureStatistics statistics = monitoring.statistics();
        FunctionCounter.builder("slate.feature.stats.untracked", statistics, FeatureStatistics::untracked)
                .description("Values not in feature-value statistics because their environment had "
                        + "slate.monitoring.max-features features already")
                .register(registry);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slate-feature-stats-metrics");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refreshSafely, 0, refreshMillis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    /** Registers the series of features and references that appeared since the last refresh. */
    void refresh() {
        FeatureStatistics statistics = monitoring.statistics();
        for (String env : statistics.environments()) {
            for (String feature : statistics.features(env)) {
                if (registered.add("stats\u0000" + env + "\u0000" + feature)) {
                    registerStats(env, feature);
                }
            }
        }
        for (ReferenceStore.Reference r : monitoring.references().list(null)) {
            for (ReferenceSummary s : r.features().values()) {
                String key = r.environment() + "\u0000" + r.name() + "\u0000" + s.feature();
                summaries.put(key, s); // a replaced reference is read anew
                driftCache.remove(key);
                if (registered.add("drift\u0000" + key)) {
                    registerDrift(r.environment(), r.name(), s.feature(), key);
                }
            }
        }
    }

    private void refreshSafely() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.debugf("feature statistics series not refreshed: %s", e.toString());
        }
    }

    private void registerStats(String env, String feature) {
        String key = env + "\u0000" + feature;
        gauge("slate.feature.value.count", env, feature, key, s -> s.count(), "Values computed in the last 5 minutes");
        gauge(
                "slate.feature.null.ratio",
                env,
                feature,
                key,
                s -> s.nullRatio().orElse(Double.NaN),
                "Share of null values computed in the last 5 minutes");
        gauge(
                "slate.feature.value.min",
                env,
                feature,
                key,
                s -> s.numeric().map(FeatureValueStats.Numeric::min).orElse(Double.NaN),
                "Smallest value in the last 5 minutes (numbers)");
        gauge(
                "slate.feature.value.max",
                env,
                feature,
                key,
                s -> s.numeric().map(FeatureValueStats.Numeric::max).orElse(Double.NaN),
                "Largest value in the last 5 minutes (numbers)");
        gauge(
                "slate.feature.value.mean",
                env,
                feature,
                key,
                s -> s.numeric().map(FeatureValueStats.Numeric::mean).orElse(Double.NaN),
                "Mean value in the last 5 minutes (numbers)");
        for (double q : GAUGE_QUANTILES) {
            Gauge.builder(
                            "slate.feature.value.quantile",
                            this,
                            m -> m.statsOf(key, env, feature)
                                    .flatMap(FeatureValueStats::numeric)
                                    .map(n -> n.quantile(q))
                                    .orElse(Double.NaN))
                    .tag("environment", env)
                    .tag("feature", feature)
                    .tag("quantile", String.valueOf(q))
                    .description("Approximate quantile of the values in the last 5 minutes (KLL; numbers)")
                    .register(registry);
        }
        gauge(
                "slate.feature.distinct.values",
                env,
                feature,
                key,
                FeatureValueStats::distinct,
                "Approximate distinct non-null values in the last 5 minutes (HLL)");
        for (String stat : List.of("mean", "max")) {
            Gauge.builder(
                            "slate.feature.freshness",
                            this,
                            m -> m.statsOf(key, env, feature)
                                    .map(st -> (stat.equals("mean")
                                                    ? st.freshness().meanAgeSeconds()
                                                    : st.freshness().maxAgeSeconds())
                                            .orElse(Double.NaN))
                                    .orElse(Double.NaN))
                    .tag("environment", env)
                    .tag("feature", feature)
                    .tag("stat", stat)
                    .baseUnit("seconds")
                    .description("Age of values served from the online store in the last 5 minutes")
                    .register(registry);
        }
    }

    private void gauge(
            String name,
            String env,
            String feature,
            String key,
            ToDoubleFunction<FeatureValueStats> value,
            String description) {
        Gauge.builder(name, this, m -> {
                    FeatureValueStats st = m.stats(key, env, feature);
                    return st == null ? Double.NaN : value.applyAsDouble(st);
                })
                .tag("environment", env)
                .tag("feature", feature)
                .description(description)
                .register(registry);
    }

    private Optional<FeatureValueStats> statsOf(String key, String env, String feature) {
        return Optional.ofNullable(stats(key, env, feature));
    }

    /** The feature's statistics over the gauge window, read at most once a second; null when none. */
    private FeatureValueStats stats(String key, String env, String feature) {
        long now = System.currentTimeMillis();
        Cached<FeatureValueStats> c = statsCache.get(key);
        if (c == null || now - c.atMillis > 1000) {
            c = new Cached<>(
                    now,
                    monitoring.statistics().stats(env, feature, GAUGE_WINDOW).orElse(null));
            statsCache.put(key, c);
        }
        return c.value;
    }

    private void registerDrift(String env, String reference, String feature, String key) {
        driftGauge(
                "slate.feature.psi",
                "Population stability index of the last hour's values against the reference",
                env,
                reference,
                feature,
                key,
                d -> Optional.of(d.psi()));
        driftGauge(
                "slate.feature.ks.statistic",
                "Two-sample Kolmogorov-Smirnov statistic of the last hour's values against the reference",
                env,
                reference,
                feature,
                key,
                d -> d.ks().map(DriftResult.Ks::statistic));
        driftGauge(
                "slate.feature.ks.pvalue",
                "Asymptotic p-value of that Kolmogorov-Smirnov statistic",
                env,
                reference,
                feature,
                key,
                d -> d.ks().map(DriftResult.Ks::pValue));
    }

    private void driftGauge(
            String name,
            String description,
            String env,
            String reference,
            String feature,
            String key,
            Function<DriftResult, Optional<Double>> value) {
        Gauge.builder(
                        name,
                        this,
                        m -> m.drift(key, env, reference, feature)
                                .flatMap(value)
                                .orElse(Double.NaN))
                .tag("environment", env)
                .tag("feature", feature)
                .tag("reference", reference)
                .description(description)
                .register(registry);
    }

    private Optional<DriftResult> drift(String key, String env, String reference, String feature) {
        long now = System.currentTimeMillis();
        Cached<Optional<DriftResult>> c = driftCache.get(key);
        if (c == null || now - c.atMillis > 1000) {
            ReferenceSummary s = summaries.get(key);
            Optional<DriftResult> d;
            try {
                d = s == null ? Optional.empty() : monitoring.driftOf(env, feature, reference, s, DRIFT_WINDOW);
            } catch (RuntimeException e) {
                d = Optional.empty();
            }
            c = new Cached<>(now, d);
            driftCache.put(key, c);
        }
        return c.value;
    }

    private record Cached<T>(long atMillis, T value) {}
}
