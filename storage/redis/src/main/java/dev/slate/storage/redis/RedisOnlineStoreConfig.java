package dev.slate.storage.redis;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Everything {@link RedisOnlineStore} needs to connect.
 *
 * @param connectionStrings Redis URIs ({@code redis://[user:password@]host:port[/db]}, {@code rediss://} for
 *     TLS); one for a standalone server, one or more seed nodes for a cluster
 * @param clientType standalone server or cluster
 * @param poolSize connections kept per server (a batch holds one connection until its answers arrive)
 * @param maxPoolWaiting callers that may wait for a free connection before a call fails at once (at least
 *     {@code poolSize}: the Vert.x cluster client requires it)
 * @param maxWaitingHandlers commands that may be in flight on one connection; also the largest batch sent
 *     as one pipeline (larger calls are split into several pipelines sent in parallel)
 * @param keyPrefix first part of every key (see {@link RedisKeyLayout#PREFIX})
 */
public record RedisOnlineStoreConfig(
        List<String> connectionStrings,
        ClientType clientType,
        int poolSize,
        int maxPoolWaiting,
        int maxWaitingHandlers,
        String keyPrefix) {

    public static final String DEFAULT_KEY_PREFIX = "slate";
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final int DEFAULT_MAX_POOL_WAITING = 1024;
    public static final int DEFAULT_MAX_WAITING_HANDLERS = 2048;

    public enum ClientType {
        STANDALONE,
        CLUSTER
    }

    public RedisOnlineStoreConfig {
        requireNonNull(connectionStrings, "connectionStrings is null");
        requireNonNull(clientType, "clientType is null");
        requireNonNull(keyPrefix, "keyPrefix is null");
        connectionStrings = List.copyOf(connectionStrings);
        if (connectionStrings.isEmpty()) {
            throw new IllegalArgumentException("at least one Redis connection string is required");
        }
        if (clientType == ClientType.STANDALONE && connectionStrings.size() != 1) {
            throw new IllegalArgumentException(
                    "a standalone Redis takes exactly one connection string, got " + connectionStrings.size());
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
        }
        if (maxPoolWaiting < poolSize) {
            throw new IllegalArgumentException(
                    "maxPoolWaiting must be at least poolSize (" + poolSize + "), got " + maxPoolWaiting);
        }
        if (maxWaitingHandlers < 1) {
            throw new IllegalArgumentException("maxWaitingHandlers must be at least 1, got " + maxWaitingHandlers);
        }
        if (!RedisKeyLayout.PREFIX.matcher(keyPrefix).matches()) {
            throw new IllegalArgumentException(
                    "keyPrefix must match " + RedisKeyLayout.PREFIX.pattern() + ", got '" + keyPrefix + "'");
        }
    }

    /** A standalone server with default pool sizes and key prefix. */
    public static RedisOnlineStoreConfig standalone(String connectionString) {
        return new RedisOnlineStoreConfig(
                List.of(connectionString),
                ClientType.STANDALONE,
                DEFAULT_POOL_SIZE,
                DEFAULT_MAX_POOL_WAITING,
                DEFAULT_MAX_WAITING_HANDLERS,
                DEFAULT_KEY_PREFIX);
    }

    /** A cluster reached through the given seed nodes, with default pool sizes and key prefix. */
    public static RedisOnlineStoreConfig cluster(List<String> seedConnectionStrings) {
        return new RedisOnlineStoreConfig(
                seedConnectionStrings,
                ClientType.CLUSTER,
                DEFAULT_POOL_SIZE,
                DEFAULT_MAX_POOL_WAITING,
                DEFAULT_MAX_WAITING_HANDLERS,
                DEFAULT_KEY_PREFIX);
    }

    public RedisOnlineStoreConfig withKeyPrefix(String prefix) {
        return new RedisOnlineStoreConfig(
                connectionStrings, clientType, poolSize, maxPoolWaiting, maxWaitingHandlers, prefix);
    }

    /** Never prints passwords that connection strings may hold. */
    @Override
    public String toString() {
        return "RedisOnlineStoreConfig[clientType=" + clientType + ", servers=" + connectionStrings.size()
                + ", poolSize=" + poolSize + ", maxPoolWaiting=" + maxPoolWaiting
                + ", maxWaitingHandlers=" + maxWaitingHandlers + ", keyPrefix=" + keyPrefix + "]";
    }
}
