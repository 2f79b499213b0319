package dev.slate.appliance.embedded;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The embedded PostgreSQL and Redis of the standalone appliance, started together (PostgreSQL first)
 * and stopped in reverse order. Layout under {@code slate.home}: {@code pg/} (PostgreSQL data, kept
 * between runs, so the active deployment survives a restart), {@code runtime/postgres/} (unpacked
 * binaries), {@code redis/} (Redis working directory), {@code logs/postgres.log}.
 */
public final class EmbeddedServices implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedServices.class);

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedRedisServer redis;

    private EmbeddedServices(EmbeddedPostgresServer postgres, EmbeddedRedisServer redis) {
        this.postgres = requireNonNull(postgres, "postgres is null");
        this.redis = requireNonNull(redis, "redis is null");
    }

    /**
     * Starts both services on their preferred ports, or on free ports when those are taken.
     *
     * @throws IllegalStateException when one does not start (nothing is left running)
     */
    public static EmbeddedServices start(EmbeddedSettings settings) {
        Path home = settings.home().toAbsolutePath();
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(home.resolve("pg"), home.resolve("runtime/postgres"),
                home.resolve("logs/postgres.log"), Ports.preferredOrFree(settings.postgresPort()));
        LOG.infof("Embedded PostgreSQL listening on 127.0.0.1:%d (database %s, data %s)",
                postgres.port(), EmbeddedPostgresServer.DATABASE, postgres.dataDirectory());
        EmbeddedRedisServer redis;
        try {
            redis = EmbeddedRedisServer.start(home.resolve("redis"), Ports.preferredOrFree(settings.redisPort()));
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        LOG.infof("Embedded Redis listening on %s", redis.url());
        return new EmbeddedServices(postgres, redis);
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    public EmbeddedRedisServer redis() {
        return redis;
    }

    /**
     * The configuration that points the appliance at these services ({@code slate.db.*},
     * {@code slate.redis.url}; see application.properties).
     */
    public Map<String, String> configuration() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("slate.db.host", "127.0.0.1");
        config.put("slate.db.port", String.valueOf(postgres.port()));
        config.put("slate.db.name", EmbeddedPostgresServer.DATABASE);
        config.put("slate.db.username", EmbeddedPostgresServer.USER);
        config.put("slate.redis.url", redis.url());
        return config;
    }

    /**
     * The secrets the {@code fraud} example's sources reference: its database lives on this
     * PostgreSQL (see {@code dev.slate.appliance.demo}).
     */
    public Map<String, String> demoSecrets() {
        return Map.of(
                "slate.secret.fraud_db_url", "postgresql://127.0.0.1:" + postgres.port() + "/fraud_app",
                "slate.secret.fraud_db_user", EmbeddedPostgresServer.USER);
    }

    /** Stops Redis, then PostgreSQL. Idempotent. */
    @Override
    public void close() {
        try {
            redis.close();
        } catch (RuntimeException e) {
            LOG.warnf("could not stop the embedded Redis: %s", e.getMessage());
        }
        try {
            postgres.close();
        } catch (RuntimeException e) {
            LOG.warnf("could not stop the embedded PostgreSQL: %s", e.getMessage());
        }
    }
}
