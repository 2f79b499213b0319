package dev.slate.appliance.metrics;

import dev.slate.control.alerts.MetricSamples;
import dev.slate.control.alerts.MetricSource;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import jakarta.inject.Singleton;
import java.util.Set;

/** Alert rules read this replica's {@code /q/metrics} exposition (docs/alerts.md). */
@Singleton
class PrometheusMetricSource implements MetricSource {

    /** The series of docs/operations.md, "Metrics", which a rule may name before they have a sample. */
    private static final Set<String> DOCUMENTED = Set.of(
            "slate_query_duration_seconds_count",
            "slate_query_duration_seconds_sum",
            "slate_query_duration_seconds_bucket",
            "slate_query_duration_seconds_max",
            "slate_resolver_duration_seconds_count",
            "slate_resolver_duration_seconds_sum",
            "slate_resolver_duration_seconds_bucket",
            "slate_resolver_duration_seconds_max",
            "slate_resolver_errors_total",
            "slate_feature_requests_total",
            "slate_feature_cache_hits_total",
            "slate_feature_served_age_seconds_count",
            "slate_feature_served_age_seconds_sum",
            "slate_feature_served_age_max_seconds",
            "slate_feature_errors_total",
            "slate_request_errors_total",
            "slate_online_store_reads_total",
            "slate_online_store_failures_total",
            "slate_dependency_up",
            "slate_feature_log_values_total",
            "slate_feature_log_backlog_bytes",
            "slate_feature_log_backlog_segments",
            "slate_feature_log_queued_values",
            "slate_traces_stored",
            "slate_traces_evicted_early_total",
            "slate_offline_maintenance_rounds_total",
            "slate_offline_maintenance_last_success_seconds",
            "slate_usage_outbox_backlog",
            "slate_usage_outbox_max_backlog",
            "slate_usage_records_dropped_total",
            // feature-value monitoring (docs/operations.md, "Feature-value monitoring"): series appear once a feature
            // has values or a reference exists
            "slate_feature_value_count",
            "slate_feature_null_ratio",
            "slate_feature_value_min",
            "slate_feature_value_max",
            "slate_feature_value_mean",
            "slate_feature_value_quantile",
            "slate_feature_distinct_values",
            "slate_feature_freshness_seconds",
            "slate_feature_stats_untracked_total",
            "slate_feature_psi",
            "slate_feature_ks_statistic",
            "slate_feature_ks_pvalue");

    private final PrometheusMeterRegistry registry;

    PrometheusMetricSource(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public MetricSamples scrape() {
        return MetricSamples.parse(registry.scrape());
    }

    @Override
    public Set<String> documented() {
        return DOCUMENTED;
    }
}
