package dev.slate.appliance.offline;

import dev.slate.serving.engine.materialize.MaterializationMarks;
import dev.slate.storage.offline.CompactionOptions;
import dev.slate.storage.offline.CompactionResult;
import dev.slate.storage.offline.OfflineTableMaintenance;
import dev.slate.storage.offline.SnapshotExpiry;
import dev.slate.storage.spi.offline.OfflineStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Keeps the feature-log table healthy: every {@code slate.offline.compaction.interval} (default 10m) it compacts
 * the small files frequent appends leave and expires snapshots older than the retention, on one thread of its
 * own. Reverse-ETL markers are handed to compaction so that incremental runs neither re-read nor miss values.
 * A failed round is logged and retried by the next; a round that changed nothing logs nothing.
 */
@Singleton
class OfflineMaintenanceScheduler {

    private static final Logger LOG = Logger.getLogger(OfflineMaintenanceScheduler.class);

    /** The settings of {@code slate.offline.compaction.*}. */
    record Settings(boolean enabled, Duration interval, CompactionOptions compaction, SnapshotExpiry expiry) {
        static Settings of(OfflineConfig.Compaction c) {
            if (c.interval().isNegative() || c.interval().isZero()) {
                throw new IllegalArgumentException(
                        "slate.offline.compaction.interval must be positive, got " + c.interval());
            }
            return new Settings(
                    c.enabled(),
                    c.interval(),
                    new CompactionOptions(c.minInputFiles(), c.targetFileSize(), Set.of()),
                    new SnapshotExpiry(c.snapshotRetention(), c.retainSnapshots()));
        }
    }

    private final Optional<OfflineTableMaintenance> maintenance;
    private final Settings settings;
    private final Supplier<Set<String>> readerMarkers;
    private final AtomicLong filesRemoved = new AtomicLong();
    private final AtomicLong filesAdded = new AtomicLong();
    private final AtomicLong snapshotsExpired = new AtomicLong();
    private final AtomicLong filesDeleted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    /** Epoch seconds of the end of the last successful round; 0 before the first. */
    private final AtomicLong lastSuccess = new AtomicLong();

    private ScheduledExecutorService executor;

    @Inject
    OfflineMaintenanceScheduler(
            OfflineStore store, OfflineConfig config, MaterializationMarks marks, MeterRegistry registry) {
        this(
                (store instanceof EnvironmentOfflineStore e ? e.delegate() : store) instanceof OfflineTableMaintenance m
                        ? Optional.of(m)
                        : Optional.empty(),
                Settings.of(config.compaction()),
                marks::all,
                registry);
    }

    OfflineMaintenanceScheduler(
            Optional<OfflineTableMaintenance> maintenance,
            Settings settings,
            Supplier<Set<String>> readerMarkers,
            MeterRegistry registry) {
        this.maintenance = maintenance;
        this.settings = settings;
        this.readerMarkers = readerMarkers;
        FunctionCounter.builder("slate.offline.compaction.files", filesRemoved, AtomicLong::get)
                .tag("change", "removed")
                .description("Small data files replaced by compaction")
                .register(registry);
        FunctionCounter.builder("slate.offline.compaction.files", filesAdded, AtomicLong::get)
                .tag("change", "added")
                .description("Data files compaction wrote in their place")
                .register(registry);
        FunctionCounter.builder("slate.offline.snapshots.expired", snapshotsExpired, AtomicLong::get)
                .description("Iceberg snapshots of the feature log expired")
                .register(registry);
        FunctionCounter.builder("slate.offline.expiry.files.deleted", filesDeleted, AtomicLong::get)
                .description("Data files deleted because no kept snapshot referenced them")
                .register(registry);
        FunctionCounter.builder("slate.offline.maintenance.rounds", rounds, AtomicLong::get)
                .tag("outcome", "ok")
                .description("Compaction and expiry rounds")
                .register(registry);
        FunctionCounter.builder("slate.offline.maintenance.rounds", failures, AtomicLong::get)
                .tag("outcome", "failed")
                .description("Compaction and expiry rounds")
                .register(registry);
        Gauge.builder("slate.offline.maintenance.last.success.seconds", lastSuccess, AtomicLong::get)
                .description("When the last successful round ended (epoch seconds; 0: none yet)")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (maintenance.isEmpty() || !settings.enabled()) {
            LOG.info("offline table upkeep: off"
                    + (maintenance.isEmpty()
                            ? " (the offline store has no files to compact)"
                            : " (slate.offline.compaction.enabled=false)"));
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slate-offline-maintenance");
            t.setDaemon(true);
            return t;
        });
        long millis = settings.interval().toMillis();
        executor.scheduleWithFixedDelay(this::runOnce, millis, millis, TimeUnit.MILLISECONDS);
        LOG.infof(
                "offline table upkeep: every %s, compacting groups of %d+ files under %d bytes, keeping snapshots for %s",
                settings.interval(),
                settings.compaction().minInputFiles(),
                settings.compaction().smallFileThreshold(),
                settings.expiry().retention());
    }

    /** One round: compaction, then expiry. Never throws (a failure is counted and logged). */
    void runOnce() {
        if (maintenance.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            CompactionResult c =
                    maintenance.get().compact(settings.compaction().withReaderMarkers(readerMarkers.get()));
            SnapshotExpiry.Result e = maintenance.get().expireSnapshots(settings.expiry());
            filesRemoved.addAndGet(c.filesRemoved());
            filesAdded.addAndGet(c.filesAdded());
            snapshotsExpired.addAndGet(e.snapshotsExpired());
            filesDeleted.addAndGet(e.dataFilesDeleted());
            rounds.incrementAndGet();
            lastSuccess.set(System.currentTimeMillis() / 1000);
            if (c.filesRemoved() > 0 || e.snapshotsExpired() > 0) {
                LOG.infof(
                        "offline table upkeep: %d files compacted into %d (%d groups, %d conflicts), %d snapshots expired, %d data files"
                                + " deleted in %d ms",
                        c.filesRemoved(),
                        c.filesAdded(),
                        c.groupsRewritten(),
                        c.conflicts(),
                        e.snapshotsExpired(),
                        e.dataFilesDeleted(),
                        Duration.ofNanos(System.nanoTime() - start).toMillis());
            }
        } catch (RuntimeException ex) {
            failures.incrementAndGet();
            LOG.warnf("offline table upkeep failed (the next round tries again): %s", ex.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
