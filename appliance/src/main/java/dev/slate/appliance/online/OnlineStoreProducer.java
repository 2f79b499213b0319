package dev.slate.appliance.online;

import dev.slate.control.deploy.NamespaceDirectory;
import dev.slate.control.deploy.OnlineDatabases;
import dev.slate.storage.redis.RedisOnlineStore;
import dev.slate.storage.redis.RedisOnlineStoreConfig;
import dev.slate.storage.spi.OnlineStore;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The online store of this appliance: Redis, standalone or cluster. */
@Singleton
class OnlineStoreProducer {

    /**
     * The Redis online store behind the per-environment adapter ({@link EnvironmentOnlineStore}): callers name
     * environments, the adapter picks each one's namespace and database (docs/environments.md, "Namespaces").
     */
    @Produces
    @Singleton
    OnlineStore onlineStore(Vertx vertx, RedisConfig config, NamespaceDirectory directory) {
        RedisOnlineStoreConfig.ClientType type = type(config);
        RedisOnlineStore configured = new RedisOnlineStore(
                vertx,
                new RedisOnlineStoreConfig(
                        config.url(),
                        type,
                        config.poolSize(),
                        RedisOnlineStoreConfig.DEFAULT_MAX_POOL_WAITING,
                        RedisOnlineStoreConfig.DEFAULT_MAX_WAITING_HANDLERS,
                        config.keyPrefix()));
        return new EnvironmentOnlineStore(
                configured,
                database -> {
                    if (type != RedisOnlineStoreConfig.ClientType.STANDALONE) {
                        throw new IllegalStateException("Redis Cluster has database 0 only");
                    }
                    return new RedisOnlineStore(
                            vertx,
                            new RedisOnlineStoreConfig(
                                    List.of(withDatabase(config.url().getFirst(), database)),
                                    type,
                                    config.poolSize(),
                                    RedisOnlineStoreConfig.DEFAULT_MAX_POOL_WAITING,
                                    RedisOnlineStoreConfig.DEFAULT_MAX_WAITING_HANDLERS,
                                    config.keyPrefix()));
                },
                directory);
    }

    /** Which logical databases environments may choose: any up to {@code slate.redis.max-database} standalone, none on a cluster. */
    @Produces
    @Singleton
    OnlineDatabases onlineDatabases(RedisConfig config) {
        boolean cluster = type(config) == RedisOnlineStoreConfig.ClientType.CLUSTER;
        int max = config.maxDatabase();
        return new OnlineDatabases() {
            @Override
            public Optional<Integer> maxDatabase() {
                return cluster ? Optional.empty() : Optional.of(max);
            }

            @Override
            public String whyNone() {
                return "the online store is a Redis Cluster (slate.redis.client-type=cluster), which has database 0 only";
            }
        };
    }

    private static RedisOnlineStoreConfig.ClientType type(RedisConfig config) {
        return switch (config.clientType().toLowerCase(Locale.ROOT)) {
            case "standalone" -> RedisOnlineStoreConfig.ClientType.STANDALONE;
            case "cluster" -> RedisOnlineStoreConfig.ClientType.CLUSTER;
            default ->
                throw new IllegalArgumentException(
                        "slate.redis.client-type must be standalone or cluster, got " + config.clientType());
        };
    }

    /** {@code redis://[user:password@]host:port[/db][?…]} with {@code /database} as its path. */
    static String withDatabase(String url, int database) {
        int start = url.indexOf("://");
        if (start < 0) {
            throw new IllegalArgumentException("slate.redis.url is not a redis:// URL");
        }
        int end = start + 3;
        while (end < url.length() && url.charAt(end) != '/' && url.charAt(end) != '?') {
            end++;
        }
        int query = url.indexOf('?', end);
        return url.substring(0, end) + "/" + database + (query >= 0 ? url.substring(query) : "");
    }

    void close(@Disposes OnlineStore store) {
        store.close();
    }
}
