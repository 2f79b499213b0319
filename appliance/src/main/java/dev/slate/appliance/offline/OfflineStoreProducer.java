package dev.slate.appliance.offline;

import dev.slate.appliance.config.DatabaseConfig;
import dev.slate.appliance.config.SlateHome;
import dev.slate.appliance.monitoring.MonitoringConfig;
import dev.slate.control.deploy.NamespaceDirectory;
import dev.slate.serving.engine.monitoring.FeatureStatistics;
import dev.slate.serving.featurelog.FeatureLog;
import dev.slate.serving.featurelog.FeatureLogConfig;
import dev.slate.storage.offline.IcebergOfflineStore;
import dev.slate.storage.offline.IcebergOfflineStoreConfig;
import dev.slate.storage.spi.offline.OfflineStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The offline store (Iceberg table, catalog in the metadata database) and the feature log that feeds it.
 * Both start with the application, so a spool left by a crash is shipped at once.
 */
@Singleton
class OfflineStoreProducer {

    private static final Logger LOG = Logger.getLogger(OfflineStoreProducer.class);

    private final OfflineConfig config;
    private final Path home;
    private final String jdbcUrl;
    private final String user;
    private final Optional<String> password;

    OfflineStoreProducer(OfflineConfig config, DatabaseConfig database) {
        this.config = config;
        this.home = SlateHome.fromConfig();
        this.jdbcUrl = database.jdbcUrl();
        this.user = database.username();
        this.password = database.password().filter(p -> !p.isEmpty());
    }

    @Produces
    @Singleton
    OfflineStore offlineStore(NamespaceDirectory directory) {
        Path warehouse = config.warehouse()
                .orElse(home.resolve("offline").resolve("warehouse"))
                .toAbsolutePath();
        IcebergOfflineStoreConfig storeConfig = new IcebergOfflineStoreConfig(
                jdbcUrl, user, password, warehouse.toString(), config.catalogName(), config.tableNamespace());
        IcebergOfflineStore store = new IcebergOfflineStore(storeConfig);
        LOG.infof("offline store: Iceberg table %s, data under %s", store.tableName(), warehouse);
        return new EnvironmentOfflineStore(
                store,
                namespace -> {
                    IcebergOfflineStore own = new IcebergOfflineStore(storeConfig.withTableNamespace(namespace));
                    LOG.infof(
                            "offline store: Iceberg table %s for the environments that chose namespace %s",
                            own.tableName(), namespace);
                    return own;
                },
                directory);
    }

    void closeStore(@Disposes OfflineStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Optional<FeatureLog> featureLog(OfflineStore store, FeatureStatistics statistics, MonitoringConfig monitoring) {
        OfflineConfig.FeatureLog c = config.featureLog();
        if (!c.enabled()) {
            LOG.info("feature log: disabled (slate.offline.feature-log.enabled=false)");
            return Optional.empty();
        }
        Path spool =
                c.spoolDir().orElse(home.resolve("offline").resolve("spool")).toAbsolutePath();
        FeatureLogConfig logConfig = new FeatureLogConfig(
                spool,
                c.queueCapacity(),
                c.maxSpoolBytes(),
                c.segmentBytes(),
                c.segmentMaxAge(),
                c.syncInterval(),
                c.shipBatchValues(),
                Duration.ofMillis(500),
                Duration.ofSeconds(30));
        LOG.infof("feature log: spooling to %s", spool);
        // feature-value statistics are computed from what the shipper appended, on its thread (docs/operations.md)
        return Optional.of(
                monitoring.enabled()
                        ? new FeatureLog(logConfig, store, statistics::record)
                        : new FeatureLog(logConfig, store));
    }

    void closeFeatureLog(@Disposes Optional<FeatureLog> log) {
        log.ifPresent(FeatureLog::close);
    }

    /** Opens both at start-up: the store creates its table, the feature log ships what a crash left. */
    void start(@Observes StartupEvent event, OfflineStore store, Optional<FeatureLog> log) {
        store.ping();
        log.ifPresent(FeatureLog::stats);
    }
}
