package dev.slate.appliance.online;

import dev.slate.storage.redis.RedisOnlineStore;
import dev.slate.storage.redis.RedisOnlineStoreConfig;
import dev.slate.storage.spi.OnlineStore;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Locale;

/** The online store of this appliance: Redis, standalone or cluster. */
@Singleton
class OnlineStoreProducer {

    @Produces
    @Singleton
    OnlineStore onlineStore(Vertx vertx, RedisConfig config) {
        RedisOnlineStoreConfig.ClientType type = switch (config.clientType().toLowerCase(Locale.ROOT)) {
            case "standalone" -> RedisOnlineStoreConfig.ClientType.STANDALONE;
            case "cluster" -> RedisOnlineStoreConfig.ClientType.CLUSTER;
            default -> throw new IllegalArgumentException("slate.redis.client-type must be standalone or cluster, got " + config.clientType());
        };
        return new RedisOnlineStore(vertx, new RedisOnlineStoreConfig(config.url(), type, config.poolSize(),
                RedisOnlineStoreConfig.DEFAULT_MAX_POOL_WAITING, RedisOnlineStoreConfig.DEFAULT_MAX_WAITING_HANDLERS, config.keyPrefix()));
    }

    void close(@Disposes OnlineStore store) {
        store.close();
    }
}
