package dev.slate.appliance.offline.query;

import dev.slate.serving.offline.OfflineQueryService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Removes finished offline query jobs older than {@code slate.offline.result-retention} (their datasets can be
 * large): once at start-up, then every hour, on a thread of its own.
 */
@Singleton
class OfflineJobExpiry {

    private static final Logger LOG = Logger.getLogger(OfflineJobExpiry.class);
    static final long PERIOD_MINUTES = 60;

    private final OfflineQueryService service;
    private ScheduledExecutorService executor;

    OfflineJobExpiry(OfflineQueryService service) {
        this.service = service;
    }

    void start(@Observes StartupEvent event) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slate-offline-job-expiry");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::expire, 0, PERIOD_MINUTES, TimeUnit.MINUTES);
    }

    private void expire() {
        try {
            service.expireFinished();
        } catch (RuntimeException e) {
            LOG.warnf(
                    "offline query jobs: removing expired jobs failed (retried in %d minutes): %s",
                    PERIOD_MINUTES, e.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
