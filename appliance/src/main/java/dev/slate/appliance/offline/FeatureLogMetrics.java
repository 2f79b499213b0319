package dev.slate.appliance.offline;

import dev.slate.serving.featurelog.FeatureLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/** Prometheus meters of the feature log: throughput, drops and the backlog waiting for the offline store. */
@ApplicationScoped
class FeatureLogMetrics {

    void register(@Observes StartupEvent event, Optional<FeatureLog> log, MeterRegistry registry) {
        if (log.isEmpty()) {
            return;
        }
        FeatureLog l = log.get();
        FunctionCounter.builder("slate.feature.log.values", l, x -> x.stats().acceptedValues())
                .tag("stage", "accepted")
                .description("Values taken from queries for the offline store")
                .register(registry);
        FunctionCounter.builder("slate.feature.log.values", l, x -> x.stats().shippedValues())
                .tag("stage", "shipped")
                .description("Values appended to the offline store")
                .register(registry);
        FunctionCounter.builder("slate.feature.log.values", l, x -> x.stats().droppedValues())
                .tag("stage", "dropped")
                .description("Values dropped because the memory queue or the disk budget was full")
                .register(registry);
        Gauge.builder("slate.feature.log.backlog.bytes", l, x -> x.stats().pendingBytes())
                .description("Spool bytes not yet in the offline store")
                .register(registry);
        Gauge.builder("slate.feature.log.backlog.segments", l, x -> x.stats().pendingSegments())
                .description("Spool segments not yet fully shipped")
                .register(registry);
        Gauge.builder("slate.feature.log.queued.values", l, x -> x.stats().queuedValues())
                .description("Values waiting in memory for the spool writer")
                .register(registry);
    }
}
