package dev.slate.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.storage.redis.RedisOnlineStoreConfig.ClientType;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.OnlineWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisOnlineStoreConfigTest {

    @Test
    void standaloneDefaults() {
        RedisOnlineStoreConfig config = RedisOnlineStoreConfig.standalone("redis://127.0.0.1:6379");
        assertThat(config.connectionStrings()).containsExactly("redis://127.0.0.1:6379");
        assertThat(config.clientType()).isEqualTo(ClientType.STANDALONE);
        assertThat(config.poolSize()).isEqualTo(8);
        assertThat(config.maxPoolWaiting()).isEqualTo(1024);
        assertThat(config.maxWaitingHandlers()).isEqualTo(2048);
        assertThat(config.keyPrefix()).isEqualTo("slate");
        assertThat(config.withKeyPrefix("other").keyPrefix()).isEqualTo("other");
    }

    @Test
    void clusterTakesSeveralSeeds() {
        RedisOnlineStoreConfig config = RedisOnlineStoreConfig.cluster(List.of("redis://a:7000", "redis://b:7000"));
        assertThat(config.clientType()).isEqualTo(ClientType.CLUSTER);
        assertThat(config.connectionStrings()).hasSize(2);
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThatThrownBy(() -> new RedisOnlineStoreConfig(List.of(), ClientType.CLUSTER, 8, 8, 8, "slate"))
                .hasMessageContaining("connection string");
        assertThatThrownBy(() -> new RedisOnlineStoreConfig(
                        List.of("redis://a", "redis://b"), ClientType.STANDALONE, 8, 8, 8, "slate"))
                .hasMessageContaining("exactly one");
        assertThatThrownBy(
                        () -> new RedisOnlineStoreConfig(List.of("redis://a"), ClientType.STANDALONE, 0, 8, 8, "slate"))
                .hasMessageContaining("poolSize");
        assertThatThrownBy(
                        () -> new RedisOnlineStoreConfig(List.of("redis://a"), ClientType.STANDALONE, 8, 4, 8, "slate"))
                .hasMessageContaining("maxPoolWaiting");
        assertThatThrownBy(
                        () -> new RedisOnlineStoreConfig(List.of("redis://a"), ClientType.STANDALONE, 8, 8, 0, "slate"))
                .hasMessageContaining("maxWaitingHandlers");
        assertThatThrownBy(() -> RedisOnlineStoreConfig.standalone("redis://a").withKeyPrefix("a:b"))
                .hasMessageContaining("keyPrefix");
    }

    @Test
    void toStringNeverShowsCredentials() {
        RedisOnlineStoreConfig config = RedisOnlineStoreConfig.standalone("redis://user:s3cret@127.0.0.1:6379");
        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("user:");
    }

    @Test
    void retentionIsRoundedUpToMillisecondsAndBounded() {
        assertThat(RedisOnlineStore.retentionMillis(write(Optional.empty()))).isEqualTo(-1);
        assertThat(RedisOnlineStore.retentionMillis(write(Optional.of(Duration.ofMillis(250)))))
                .isEqualTo(250);
        assertThat(RedisOnlineStore.retentionMillis(write(Optional.of(Duration.ofNanos(250_000_001)))))
                .isEqualTo(251);
        assertThat(RedisOnlineStore.retentionMillis(write(Optional.of(Duration.ZERO))))
                .isEqualTo(1);
        assertThat(RedisOnlineStore.retentionMillis(write(Optional.of(Duration.ofSeconds(-5)))))
                .isEqualTo(1);
        assertThat(RedisOnlineStore.retentionMillis(write(Optional.of(Duration.ofDays(1_000_000)))))
                .isEqualTo(RedisOnlineStore.MAX_RETENTION.toMillis());
    }

    private static OnlineWrite write(Optional<Duration> retention) {
        return new OnlineWrite(
                new EntityRef("ns", "user", 1L),
                new FeatureSlot("a", "v1", FeatureType.Scalar.INT),
                1L,
                Instant.EPOCH,
                retention);
    }
}
