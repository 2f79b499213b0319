package dev.slate.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.testing.OnlineStoreContract;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The online-store contract against a Redis Cluster: the one named by
 * {@code SLATE_TEST_REDIS_CLUSTER_URLS} (comma-separated seed URIs), else a local three-node cluster
 * started for this class from the {@code redis-server} binary; skipped when neither is available.
 */
class RedisClusterOnlineStoreContractTest extends OnlineStoreContract {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static LocalRedisCluster local;
    private static List<String> seeds;
    private static Vertx vertx;

    @BeforeAll
    static void startCluster() throws Exception {
        String configured = System.getenv("SLATE_TEST_REDIS_CLUSTER_URLS");
        if (configured != null && !configured.isBlank()) {
            seeds = List.of(configured.split(","));
        } else {
            local = LocalRedisCluster.startIfInstalled().orElse(null);
            assumeTrue(local != null, "no Redis cluster configured and redis-server is not installed");
            seeds = local.connectionStrings();
        }
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (local != null) {
            local.close();
        }
    }

    @Override
    protected OnlineStore createStore() {
        return new RedisOnlineStore(vertx, RedisOnlineStoreConfig.cluster(seeds));
    }

    @Override
    protected String freshNamespaceName() {
        return "test-redis-cluster-" + UUID.randomUUID();
    }

    @Test
    void oneCallSpansEveryPrimaryAndStaysAligned() throws Exception {
        FeatureSlot a = new FeatureSlot("a", "v1", FeatureType.Scalar.INT);
        List<OnlineWrite> writes = new ArrayList<>();
        List<OnlineRead> reads = new ArrayList<>();
        Set<Integer> slots = new HashSet<>();
        Redis seed = Redis.createClient(vertx, seeds.get(0));
        try {
            for (long k = 0; k < 200; k++) {
                EntityRef e = entity("user", k);
                writes.add(new OnlineWrite(e, a, k, T0, Optional.empty()));
                reads.add(new OnlineRead(e, List.of(a)));
                String key = ((RedisOnlineStore) store()).layout().entityKey(e);
                slots.add(seed.send(Request.cmd(Command.CLUSTER).arg("KEYSLOT").arg(key))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS)
                        .toInteger());
            }
        } finally {
            seed.close();
        }
        assertThat(slots).as("keys of one call sit in many slots").hasSizeGreaterThan(100);
        assertThat(slots.stream().map(s -> s * 3 / 16384).distinct().count())
                .as("across all three slot ranges")
                .isEqualTo(3);

        store().write(writes).toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<List<StoredValue>> got = store().read(reads).toCompletableFuture().get(10, TimeUnit.SECONDS);

        for (int k = 0; k < 200; k++) {
            assertThat(got.get(k)).containsExactly(new StoredValue((long) k, T0));
        }
    }
}
