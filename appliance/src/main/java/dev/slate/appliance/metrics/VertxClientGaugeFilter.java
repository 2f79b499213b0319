package dev.slate.appliance.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Drops the per-connection gauges of Vert.x network clients ({@code <prefix>.queue.size} and
 * {@code <prefix>.current}, tagged {@code clientType}), e.g. {@code postgresql.queue.size}.
 *
 * <p>The Vert.x PostgreSQL and Redis clients create their client metrics once per <em>connection</em>,
 * and Quarkus' Micrometer binder registers these two gauges for each of them under the same name and
 * tags. So the second connection of any pool (the metadata datasource at startup, every resolver
 * source, the online store) triggered {@code WARN This Gauge has been already registered
 * (MeterId{name='postgresql.queue.size', tags=[clientName=<default>, clientType=sql]})}, and the one
 * gauge that was kept reported a single connection of the pool, not the pool. Per-pool numbers remain
 * available, correctly aggregated: the pool gauges {@code pool.queue.size}, {@code pool.active},
 * {@code pool.idle} (tagged {@code pool.name}) and the client timers and counters
 * ({@code <prefix>.processing}, {@code <prefix>.queue.delay}, {@code <prefix>.completed}).
 */
@Singleton
public class VertxClientGaugeFilter {

    static final MeterFilter FILTER = new MeterFilter() {
        @Override
        public MeterFilterReply accept(Meter.Id id) {
            return isPerConnectionClientGauge(id) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }
    };

    static boolean isPerConnectionClientGauge(Meter.Id id) {
        if (id.getType() != Meter.Type.GAUGE || id.getTag("clientType") == null) {
            return false;
        }
        String name = id.getName();
        return name.endsWith(".queue.size") || name.endsWith(".current");
    }

    /**
     * Called by Quarkus while it configures the registries, before it installs the filters. A
     * connection opened earlier during startup has already registered its gauges in the global
     * registry, and a filter does not remove what exists (the next connection would find it and warn):
     * those are removed here, and the filter refuses every later one.
     */
    @Produces
    @Singleton
    MeterFilter vertxClientGauges() {
        removeExisting(Metrics.globalRegistry);
        return FILTER;
    }

    static void removeExisting(MeterRegistry registry) {
        for (Meter m : registry.getMeters()) {
            if (isPerConnectionClientGauge(m.getId())) {
                registry.remove(m);
            }
        }
    }
}
