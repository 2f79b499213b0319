package dev.slate.appliance.health;

import dev.slate.storage.spi.OnlineStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The dependencies this replica checks, each a {@link BoundedProbe} with the time bound
 * {@code slate.health.check-timeout}: the metadata database ({@code SELECT 1} on the reactive pool)
 * and the online store (Redis {@code PING}). Health checks ask them on request; a background timer
 * asks them every {@code slate.health.probe-interval} so that {@code slate_dependency_up} is current
 * without anyone polling health.
 */
@Singleton
public class DependencyProbes {

    public static final String METADATA_DATABASE = "metadata-database";
    public static final String ONLINE_STORE = "online-store";

    private final BoundedProbe metadataDatabase;
    private final BoundedProbe onlineStore;
    private final Vertx vertx;
    private final HealthConfig config;
    private long timer = -1;

    DependencyProbes(Pool metadataPool, OnlineStore store, Vertx vertx, HealthConfig config, MeterRegistry registry) {
        this.vertx = vertx;
        this.config = config;
        this.metadataDatabase = new BoundedProbe(
                METADATA_DATABASE,
                () -> metadataPool.query("SELECT 1").execute().toCompletionStage(),
                config.checkTimeout());
        this.onlineStore = new BoundedProbe(ONLINE_STORE, store::ping, config.checkTimeout());
        for (BoundedProbe p : all()) {
            Gauge.builder(
                            "slate.dependency.up",
                            p,
                            x -> x.last().map(r -> r.up() ? 1.0 : 0.0).orElse(Double.NaN))
                    .tag("dependency", p.dependency())
                    .description("1 when the dependency answered its last probe within the time bound, 0 when not")
                    .register(registry);
        }
    }

    public BoundedProbe metadataDatabase() {
        return metadataDatabase;
    }

    public BoundedProbe onlineStore() {
        return onlineStore;
    }

    List<BoundedProbe> all() {
        return List.of(metadataDatabase, onlineStore);
    }

    void start(@Observes StartupEvent event) {
        long every = Math.max(100, config.probeInterval().toMillis());
        timer = vertx.setPeriodic(0, every, id -> all().forEach(BoundedProbe::probe));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
