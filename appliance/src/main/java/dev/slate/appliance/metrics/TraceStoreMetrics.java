package dev.slate.appliance.metrics;

import dev.slate.serving.engine.trace.TraceStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Prometheus meters of the per-query trace store (docs/specs/query-trace.md). */
@ApplicationScoped
class TraceStoreMetrics {

    void register(@Observes StartupEvent event, TraceStore traces, MeterRegistry registry) {
        Gauge.builder("slate.traces.stored", traces, TraceStore::recentCount)
                .tag("part", "window")
                .description("Query traces kept because they are within slate.traces.keep-all")
                .register(registry);
        Gauge.builder("slate.traces.stored", traces, TraceStore::retainedCount)
                .tag("part", "retained")
                .description("Older query traces kept because they failed, were slow or were sampled")
                .register(registry);
        FunctionCounter.builder("slate.traces.evicted.early", traces, TraceStore::evictedEarly)
                .description(
                        "Traces that left the window before slate.traces.keep-all because more than slate.traces.max-recent arrived")
                .register(registry);
    }
}
