package dev.slate.appliance.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.control.deploy.EnvironmentNamespaces;
import dev.slate.control.deploy.NamespaceDirectory;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.testing.InMemoryOnlineStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The per-environment online store adapter (docs/environments.md, "Namespaces"): callers name environments; values
 * land under each one's chosen namespace and database, one call may mix environments and keeps its order, and the
 * Redis URL of a database is the configured one with that database.
 */
class EnvironmentOnlineStoreTest {

    private static final FeatureSlot SCORE = new FeatureSlot("score", "v1", FeatureType.Scalar.FLOAT);
    private static final Instant AT = Instant.parse("2026-12-01T00:00:00Z");

    private final InMemoryOnlineStore configured = new InMemoryOnlineStore();
    private final Map<Integer, InMemoryOnlineStore> databases = new HashMap<>();
    private final NamespaceDirectory directory = new NamespaceDirectory();
    private final EnvironmentOnlineStore store = new EnvironmentOnlineStore(
            configured, db -> databases.computeIfAbsent(db, d -> new InMemoryOnlineStore()), directory);

    @Test
    void valuesLandWhereEachEnvironmentChoseAndMixedReadsKeepTheirOrder() throws Exception {
        directory.record("qa", new EnvironmentNamespaces("qa_values", Optional.empty(), "qa"));
        directory.record("prod", new EnvironmentNamespaces("prod", Optional.of(3), "prod"));
        write("qa", 1, 1.0);
        write("prod", 1, 2.0);
        write("dev", 1, 3.0); // never recorded: the defaults

        assertThat(read(configured, "qa_values", 1)).isEqualTo(1.0);
        assertThat(read(configured, "qa", 1)).as("nothing under qa's name").isNull();
        assertThat(read(configured, "prod", 1))
                .as("prod's values are in its own database")
                .isNull();
        assertThat(read(databases.get(3), "prod", 1)).isEqualTo(2.0);
        assertThat(read(configured, "dev", 1)).isEqualTo(3.0);

        List<List<StoredValue>> mixed = store.read(List.of(
                        new OnlineRead(new EntityRef("prod", "user", 1L), List.of(SCORE)),
                        new OnlineRead(new EntityRef("qa", "user", 1L), List.of(SCORE)),
                        new OnlineRead(new EntityRef("dev", "user", 1L), List.of(SCORE))))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(mixed).extracting(row -> row.getFirst().value()).containsExactly(2.0, 1.0, 3.0);

        store.dropNamespace("prod").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(read(databases.get(3), "prod", 1)).isNull();
        assertThat(read(configured, "qa_values", 1)).isEqualTo(1.0);
    }

    @Test
    void aDatabaseReplacesThePathOfTheConfiguredUrl() {
        assertThat(OnlineStoreProducer.withDatabase("redis://127.0.0.1:6379", 5))
                .isEqualTo("redis://127.0.0.1:6379/5");
        assertThat(OnlineStoreProducer.withDatabase("redis://u:p@host:6379/0?timeout=5", 7))
                .isEqualTo("redis://u:p@host:6379/7?timeout=5");
        assertThat(OnlineStoreProducer.withDatabase("rediss://host", 1)).isEqualTo("rediss://host/1");
    }

    private void write(String environment, long key, double value) throws Exception {
        store.write(List.of(
                        new OnlineWrite(new EntityRef(environment, "user", key), SCORE, value, AT, Optional.empty())))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    private static Object read(OnlineStore s, String namespace, long key) throws Exception {
        StoredValue v = s.read(List.of(new OnlineRead(new EntityRef(namespace, "user", key), List.of(SCORE))))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS)
                .getFirst()
                .getFirst();
        return v == null ? null : v.value();
    }
}
