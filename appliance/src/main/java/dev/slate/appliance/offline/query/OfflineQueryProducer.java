package dev.slate.appliance.offline.query;

import dev.slate.appliance.config.SlateHome;
import dev.slate.appliance.offline.OfflineConfig;
import dev.slate.appliance.telemetry.UsageTelemetry;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.offline.OfflineJobRepository;
import dev.slate.serving.offline.OfflineQueryConfig;
import dev.slate.serving.offline.OfflineQueryService;
import dev.slate.storage.spi.offline.OfflineStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The offline query service: jobs recorded in the metadata database (the default datasource), files under
 * {@code slate.offline.jobs-dir}. At start-up it takes over the jobs a previous run left unfinished.
 */
@Singleton
class OfflineQueryProducer {

    private static final Logger LOG = Logger.getLogger(OfflineQueryProducer.class);

    @Produces
    @Singleton
    OfflineQueryService offlineQueryService(
            ServingState state,
            OfflineStore store,
            DataSource dataSource,
            OfflineConfig config,
            ResolverRunner resolvers,
            UsageTelemetry telemetry) {
        Path base = SlateHome.fromConfig();
        Path jobsDir = config.jobsDir()
                .orElse(base.resolve("offline").resolve("jobs"))
                .toAbsolutePath()
                .normalize();
        LOG.infof("offline queries: job files under %s, %d worker(s)", jobsDir, config.queryWorkers());
        // recomputed features run with the online engine's own resolver runners (same pools, same DuckDB confinement)
        return new OfflineQueryService(
                state,
                store,
                new OfflineJobRepository(dataSource, telemetry.offlineJobAccounting()),
                OfflineQueryConfig.of(jobsDir, config.maxSpineRows(), config.queryWorkers(), config.maxQueuedJobs())
                        .withRecompute(config.recomputeConcurrency(), config.maxRecomputeRows())
                        .withResultRetention(config.resultRetention()),
                Clock.systemUTC(),
                resolvers);
    }

    void close(@Disposes OfflineQueryService service) {
        service.close();
    }

    /** Re-queues (or fails, with the reason) the jobs a previous run of this appliance left QUEUED or RUNNING. */
    void recover(@Observes StartupEvent event, OfflineQueryService service) {
        service.recover();
    }
}
