package dev.slate.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.testing.OnlineStoreContract;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The online-store contract against the real Redis, plus what is specific to the Redis layout. */
class RedisOnlineStoreContractTest extends OnlineStoreContract {

    static final String REDIS_URL = TestServers.redisUrl();

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Vertx vertx;
    private static Redis raw;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        raw = Redis.createClient(vertx, REDIS_URL);
    }

    @AfterAll
    static void stopVertx() throws Exception {
        raw.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    protected OnlineStore createStore() {
        return new RedisOnlineStore(vertx, RedisOnlineStoreConfig.standalone(REDIS_URL));
    }

    @Override
    protected String freshNamespaceName() {
        return "test-redis-" + UUID.randomUUID();
    }

    @Test
    void valuesAreStoredInTheSpecifiedLayout() throws Exception {
        EntityRef user = entity("user", 42L);
        EntityRef odd = entity("us:er", "a{b}");
        FeatureSlot score = new FeatureSlot("score", "3f2a", FeatureType.Scalar.FLOAT);
        FeatureSlot tags = new FeatureSlot("tags@x", "v|1", new FeatureType.ListOf(FeatureType.Scalar.STRING));
        store().write(List.of(
                        new OnlineWrite(user, score, 0.5, T0, Optional.empty()),
                        new OnlineWrite(user, tags, null, T0.plusNanos(1_000), Optional.empty()),
                        new OnlineWrite(odd, score, -1.0, T0, Optional.empty())))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertThat(hgetall("slate:" + namespace() + ":user:i42"))
                .isEqualTo(Map.of(
                        "score@3f2a", "1767225600000000|v0.5",
                        "tags%40x@v%7C1", "1767225600000001|n"));
        assertThat(hgetall("slate:" + namespace() + ":us%3Aer:sa%7Bb%7D"))
                .isEqualTo(Map.of("score@3f2a", "1767225600000000|v-1.0"));
    }

    @Test
    void keyTimeToLiveIsTheLongestRetentionAndNeverShrinks() throws Exception {
        FeatureSlot a = new FeatureSlot("a", "v1", FeatureType.Scalar.INT);
        FeatureSlot b = new FeatureSlot("b", "v1", FeatureType.Scalar.INT);
        EntityRef e = entity("user", 1L);
        String key = "slate:" + namespace() + ":user:i1";

        writeWithRetention(e, a, Duration.ofSeconds(100));
        assertThat(pttl(key)).isBetween(90_000L, 100_000L);

        writeWithRetention(e, b, Duration.ofSeconds(10));
        assertThat(pttl(key)).as("a shorter retention does not shorten").isBetween(90_000L, 100_000L);

        writeWithRetention(e, b, Duration.ofSeconds(1000));
        assertThat(pttl(key)).as("a longer retention extends").isBetween(990_000L, 1_000_000L);

        store().write(List.of(new OnlineWrite(e, a, 2L, T0, Optional.empty())))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(pttl(key)).as("no retention makes the key persistent").isEqualTo(-1L);

        writeWithRetention(e, b, Duration.ofSeconds(10));
        assertThat(pttl(key)).as("a retention never bounds a persistent key").isEqualTo(-1L);
    }

    @Test
    void aRejectedBackdatedWriteDoesNotTouchTheExpiry() throws Exception {
        FeatureSlot a = new FeatureSlot("a", "v1", FeatureType.Scalar.INT);
        EntityRef e = entity("user", 1L);
        String key = "slate:" + namespace() + ":user:i1";

        writeWithRetention(e, a, Duration.ofSeconds(10));
        store().write(List.of(new OnlineWrite(e, a, 0L, T0.minusSeconds(1), Optional.empty())))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertThat(pttl(key)).isBetween(1L, 10_000L);
        assertThat(readOne(e, a)).isEqualTo(new StoredValue(1L, T0));
    }

    @Test
    void writesRecoverWhenRedisHasForgottenTheScript() throws Exception {
        FeatureSlot a = new FeatureSlot("a", "v1", FeatureType.Scalar.INT);
        EntityRef e = entity("user", 1L);
        send(Request.cmd(Command.SCRIPT).arg("FLUSH"));

        write(e, a, 7L, T0);

        assertThat(readOne(e, a)).isEqualTo(new StoredValue(7L, T0));
        assertThat(send(Request.cmd(Command.SCRIPT).arg("EXISTS").arg(NewerWinsScript.SHA1))
                        .get(0)
                        .toInteger())
                .isEqualTo(1);
    }

    @Test
    void aCorruptValueFailsTheReadWithoutShowingTheData() throws Exception {
        FeatureSlot a = new FeatureSlot("a", "v1", FeatureType.Scalar.INT);
        EntityRef e = entity("user", 1L);
        send(Request.cmd(Command.HSET)
                .arg("slate:" + namespace() + ":user:i1")
                .arg("a@v1")
                .arg("secret-garbage"));

        assertThatThrownBy(() -> store().read(List.of(new OnlineRead(e, List.of(a))))
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(RedisKeyLayout.CorruptValueException.class)
                .message()
                .contains("feature a")
                .doesNotContain("secret");
    }

    @Test
    void callsLargerThanOnePipelineAreSplitAndStayAligned() throws Exception {
        RedisOnlineStoreConfig small = new RedisOnlineStoreConfig(
                List.of(REDIS_URL), RedisOnlineStoreConfig.ClientType.STANDALONE, 2, 100, 16, "slate");
        FeatureSlot a = new FeatureSlot("a", "v1", FeatureType.Scalar.INT);
        try (RedisOnlineStore splitting = new RedisOnlineStore(vertx, small)) {
            List<OnlineWrite> writes = new ArrayList<>();
            List<OnlineRead> reads = new ArrayList<>();
            for (long k = 0; k < 100; k++) {
                writes.add(new OnlineWrite(entity("user", k), a, k * 3, T0, Optional.empty()));
                reads.add(new OnlineRead(entity("user", k), List.of(a)));
            }
            splitting.write(writes).toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<List<StoredValue>> got =
                    splitting.read(reads).toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (int k = 0; k < 100; k++) {
                assertThat(got.get(k)).containsExactly(new StoredValue(k * 3L, T0));
            }
        }
    }

    @Test
    void aSecondKeyPrefixIsASeparateStore() throws Exception {
        FeatureSlot a = new FeatureSlot("a", "v1", FeatureType.Scalar.INT);
        EntityRef e = entity("user", 1L);
        try (RedisOnlineStore other = new RedisOnlineStore(
                vertx, RedisOnlineStoreConfig.standalone(REDIS_URL).withKeyPrefix("slate-other"))) {
            other.write(List.of(new OnlineWrite(e, a, 2L, T0, Optional.empty())))
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            write(e, a, 1L, T0);

            store().dropNamespace(namespace()).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(readOne(e, a)).isNull();
            assertThat(other.read(List.of(new OnlineRead(e, List.of(a))))
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS)
                            .get(0))
                    .containsExactly(new StoredValue(2L, T0));
            other.dropNamespace(namespace()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void pingFailsWhenRedisIsUnreachable() {
        try (RedisOnlineStore nowhere =
                new RedisOnlineStore(vertx, RedisOnlineStoreConfig.standalone("redis://127.0.0.1:1"))) {
            assertThatThrownBy(() -> nowhere.ping().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void aValueOfTheWrongJavaTypeFailsTheWriteStage() {
        FeatureSlot a = new FeatureSlot("a", "v1", FeatureType.Scalar.INT);
        assertThatThrownBy(() -> store().write(List.of(new OnlineWrite(entity("user", 1L), a, 1, T0, Optional.empty())))
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .contains("int");
    }

    private void writeWithRetention(EntityRef e, FeatureSlot s, Duration retention) throws Exception {
        store().write(List.of(new OnlineWrite(e, s, 1L, T0, Optional.of(retention))))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private static long pttl(String key) throws Exception {
        return send(Request.cmd(Command.PTTL).arg(key)).toLong();
    }

    private static Map<String, String> hgetall(String key) throws Exception {
        Response r = send(Request.cmd(Command.HGETALL).arg(key));
        Map<String, String> out = new HashMap<>();
        for (String field : r.getKeys()) {
            out.put(field, r.get(field).toString());
        }
        return out;
    }

    private static Response send(Request request) throws Exception {
        return raw.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
