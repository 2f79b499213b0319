package dev.slate.appliance.materialize;

import dev.slate.serving.engine.materialize.MaterializeRequest;
import dev.slate.serving.engine.materialize.MaterializeResult;
import dev.slate.serving.engine.materialize.MaterializeService;
import dev.slate.serving.model.Durations;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs reverse ETL every {@code slate.offline.materialize-interval} (default {@code 5m}; {@code off} or {@code 0s}
 * turns it off) for every environment whose active deployment marks features {@code etl_offline_to_online}, on
 * one thread of its own. A failed run is logged; its features are read again by the next run.
 */
@Singleton
class MaterializeScheduler {

    private static final Logger LOG = Logger.getLogger(MaterializeScheduler.class);

    private final MaterializeService service;
    private final Optional<Duration> interval;
    private ScheduledExecutorService executor;

    MaterializeScheduler(MaterializeService service, MaterializeConfig config) {
        this.service = service;
        this.interval = parse(config.materializeInterval());
    }

    static Optional<Duration> parse(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("off") || t.equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = Durations.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "slate.offline.materialize-interval must be a duration such as 5m, or off: " + e.getMessage(), e);
        }
        return d.isZero() ? Optional.empty() : Optional.of(d);
    }

    void start(@Observes StartupEvent event) {
        if (interval.isEmpty()) {
            LOG.info(
                    "reverse ETL: no scheduled run (slate.offline.materialize-interval=off); POST /v1/materialize runs it");
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slate-materialize");
            t.setDaemon(true);
            return t;
        });
        long millis = interval.get().toMillis();
        executor.scheduleWithFixedDelay(this::runAll, millis, millis, TimeUnit.MILLISECONDS);
        LOG.infof("reverse ETL: every %s for features marked etl_offline_to_online", interval.get());
    }

    /** One scheduled round: every environment with marked features, each on its own. */
    void runAll() {
        for (String environment : service.environmentsWithMarkedFeatures()) {
            try {
                MaterializeResult r = service.materialize(environment, MaterializeRequest.marked());
                if (r.values() > 0) {
                    LOG.infof(
                            "reverse ETL: %d values of environment %s loaded into the online store in %d ms",
                            r.values(), environment, r.took().toMillis());
                }
            } catch (RuntimeException e) {
                LOG.warnf(
                        "reverse ETL of environment %s failed (the next run reads its features again): %s",
                        environment, e.getMessage());
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
