package dev.slate.appliance.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.storage.offline.CompactionOptions;
import dev.slate.storage.offline.IcebergOfflineStore;
import dev.slate.storage.offline.IcebergOfflineStoreConfig;
import dev.slate.storage.offline.SnapshotExpiry;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SpineRow;
import dev.slate.storage.testservers.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One round of the offline table upkeep against a real Iceberg table (PostgreSQL catalog, Parquet on disk). */
class OfflineMaintenanceSchedulerTest {

    private static final String JDBC_URL = TestServers.postgres().jdbcUrl();
    private static final String JDBC_USER = TestServers.postgres().user();

    @Test
    void aRoundCompactsExpiresAndCountsAndAFailedRoundIsCounted() throws Exception {
        Path warehouse = Files.createTempDirectory("slate-upkeep-test-");
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        IcebergOfflineStore store = new IcebergOfflineStore(new IcebergOfflineStoreConfig(
                JDBC_URL, JDBC_USER, Optional.empty(), warehouse.toString(), "slate_upkeep_" + id, "ns_" + id));
        try {
            FeatureSlot slot = new FeatureSlot("score", "v1", FeatureType.Scalar.FLOAT);
            Instant t = Instant.parse("2026-03-01T12:00:00Z");
            for (int append = 0; append < 10; append++) {
                List<ObservedValue> values = new ArrayList<>();
                for (long key = 0; key < 5; key++) {
                    values.add(new ObservedValue(
                            "prod",
                            "user",
                            EntityKey.of(key),
                            slot,
                            append + key / 10.0,
                            t.plusSeconds(append),
                            Provenance.ingested()));
                }
                store.append(values);
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            OfflineMaintenanceScheduler.Settings settings = new OfflineMaintenanceScheduler.Settings(
                    true,
                    Duration.ofMinutes(10),
                    new CompactionOptions(4, CompactionOptions.DEFAULT_TARGET_FILE_SIZE_BYTES, Set.of()),
                    new SnapshotExpiry(Duration.ZERO, 1));
            OfflineMaintenanceScheduler scheduler =
                    new OfflineMaintenanceScheduler(Optional.of(store), settings, Set::of, registry);

            scheduler.runOnce();

            assertThat(registry.get("slate.offline.compaction.files")
                            .tag("change", "removed")
                            .functionCounter()
                            .count())
                    .isEqualTo(10);
            assertThat(registry.get("slate.offline.compaction.files")
                            .tag("change", "added")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("slate.offline.snapshots.expired")
                            .functionCounter()
                            .count())
                    .isEqualTo(10); // every append; the replace is current
            assertThat(registry.get("slate.offline.maintenance.rounds")
                            .tag("outcome", "ok")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("slate.offline.maintenance.last.success.seconds")
                            .gauge()
                            .value())
                    .isPositive();
            try (Stream<Path> files = Files.walk(warehouse)) {
                // the 10 appended files stay until the replace snapshot itself expires (after a later commit)
                assertThat(files.filter(p -> p.toString().endsWith(".parquet")).count())
                        .isEqualTo(11);
            }
            StoredValue latest = store.lookup(new PointInTimeQuery(
                            "prod",
                            "user",
                            List.of(new SpineRow(EntityKey.of(3L), t.plusSeconds(60))),
                            List.of(FeatureLookup.latest(slot))))
                    .get(0, 0);
            assertThat(latest).isEqualTo(new StoredValue(9.3, t.plusSeconds(9)));

            store.close();
            scheduler.runOnce(); // a closed store fails: counted, not thrown
            assertThat(registry.get("slate.offline.maintenance.rounds")
                            .tag("outcome", "failed")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
        } finally {
            new IcebergOfflineStore(new IcebergOfflineStoreConfig(
                            JDBC_URL,
                            JDBC_USER,
                            Optional.empty(),
                            warehouse.toString(),
                            "slate_upkeep_" + id,
                            "ns_" + id))
                    .dropTableAndClose();
            try (Stream<Path> paths = Files.walk(warehouse)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
