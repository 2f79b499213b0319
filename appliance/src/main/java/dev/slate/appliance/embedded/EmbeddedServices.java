package dev.slate.appliance.embedded;

import static java.util.Objects.requireNonNull;

import dev.slate.auth.process.InstallationLock;
import dev.slate.auth.process.LeftoverProcesses;
import dev.slate.auth.process.ParentWatchdog;
import dev.slate.auth.process.ProcessSelector;
import dev.slate.storage.embedded.EmbeddedPostgresServer;
import dev.slate.storage.embedded.EmbeddedRedisServer;
import dev.slate.storage.embedded.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The embedded PostgreSQL and Redis of the standalone appliance, started together (PostgreSQL first)
 * and stopped in reverse order. Layout under {@code slate.home}: {@code pg/} (PostgreSQL data, kept
 * between runs, so the active deployment survives a restart), {@code runtime/postgres/} (unpacked
 * binaries), {@code redis/} (Redis working directory), {@code logs/postgres.log},
 * {@code logs/watchdog.log}, {@code run/embedded.lock}.
 *
 * <p>Crash safety (docs/cli.md, "Crash recovery"): the services hold {@code run/embedded.lock}
 * while they run, so a second appliance on the same home is refused. Whoever gets the lock knows the
 * previous owner is dead and stops what it left behind (processes running in {@code pg/} or
 * {@code redis/}) and removes a stale {@code postmaster.pid}. A {@link ParentWatchdog} stops both
 * services when this JVM dies without running its shutdown hooks (SIGKILL, OOM kill).
 */
public final class EmbeddedServices implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedServices.class);
    static final Duration LEFTOVER_GRACE = Duration.ofSeconds(30);
    static final Duration WATCHDOG_GRACE = Duration.ofSeconds(20);

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedRedisServer redis;
    private final InstallationLock lock;
    private final ParentWatchdog watchdog;
    private final long postmasterPid;
    private final long redisPid;
    private volatile boolean closing;

    private EmbeddedServices(
            EmbeddedPostgresServer postgres,
            EmbeddedRedisServer redis,
            InstallationLock lock,
            ParentWatchdog watchdog,
            long postmasterPid,
            long redisPid) {
        this.postgres = requireNonNull(postgres, "postgres is null");
        this.redis = requireNonNull(redis, "redis is null");
        this.lock = requireNonNull(lock, "lock is null");
        this.watchdog = requireNonNull(watchdog, "watchdog is null");
        this.postmasterPid = postmasterPid;
        this.redisPid = redisPid;
    }

    /** PostgreSQL's processes run in its data directory. */
    static ProcessSelector postgresProcesses(Path home) {
        return new ProcessSelector("embedded PostgreSQL", home.resolve("pg"), Set.of("postgres"));
    }

    /** redis-server runs in its working directory. */
    static ProcessSelector redisProcesses(Path home) {
        return new ProcessSelector("embedded Redis", home.resolve("redis"), Set.of("redis-server"));
    }

    static Path lockFile(Path home) {
        return home.resolve("run").resolve("embedded.lock");
    }

    /**
     * Starts both services on their preferred ports, or on free ports when those are taken, after
     * stopping what an earlier, killed run of the same home left behind.
     *
     * @throws IllegalStateException when another live appliance uses the home, or one service does not
     *     start (nothing is left running)
     */
    public static EmbeddedServices start(EmbeddedSettings settings) {
        Path home = settings.home().toAbsolutePath().normalize();
        Path lockFile = lockFile(home);
        InstallationLock lock = InstallationLock.tryAcquire(lockFile)
                .orElseThrow(() -> new IllegalStateException("another Slate runs with the home " + home
                        + InstallationLock.holder(lockFile)
                                .map(pid -> " (pid " + pid + ")")
                                .orElse("") + "; stop it first, or choose another home"));
        EmbeddedPostgresServer postgres = null;
        EmbeddedRedisServer redis = null;
        try {
            clearLeftovers(home);
            postgres = EmbeddedPostgresServer.start(
                    home.resolve("pg"),
                    home.resolve("runtime/postgres"),
                    home.resolve("logs/postgres.log"),
                    Ports.preferredOrFree(settings.postgresPort()));
            LOG.infof(
                    "Embedded PostgreSQL listening on 127.0.0.1:%d (database %s, data %s)",
                    postgres.port(), EmbeddedPostgresServer.DATABASE, postgres.dataDirectory());
            redis = EmbeddedRedisServer.start(home.resolve("redis"), Ports.preferredOrFree(settings.redisPort()));
            LOG.infof("Embedded Redis listening on %s", redis.url());
            long postmasterPid = postmasterPid(home.resolve("pg"));
            long redisPid = redisProcesses(home).find().stream()
                    .mapToLong(ProcessHandle::pid)
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("the embedded Redis runs but its process was not found"));
            ParentWatchdog watchdog = ParentWatchdog.start(
                    ProcessHandle.current().pid(),
                    WATCHDOG_GRACE,
                    List.of(
                            new ParentWatchdog.Target.Process(postmasterPid, "postgres"),
                            new ParentWatchdog.Target.Process(
                                    redisPid,
                                    ProcessSelector.commandName(redisPid).orElse("redis-server"))),
                    Optional.of(home.resolve("logs/watchdog.log")));
            return new EmbeddedServices(postgres, redis, lock, watchdog, postmasterPid, redisPid);
        } catch (RuntimeException e) {
            closeQuietly(redis);
            closeQuietly(postgres);
            lock.close();
            throw e;
        }
    }

    /** Stops processes a killed run left in {@code pg/} and {@code redis/}, then removes a stale lock file of PostgreSQL. */
    static List<LeftoverProcesses.Stopped> clearLeftovers(Path home) {
        List<LeftoverProcesses.Stopped> stopped = LeftoverProcesses.stop(
                List.of(postgresProcesses(home), redisProcesses(home)), LEFTOVER_GRACE, LOG::warn);
        Path pidFile = home.resolve("pg").resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            // no PostgreSQL runs in this data directory any more (stopped above, or dead since a power loss):
            // the pid in the file is stale and may belong to an unrelated process by now
            LOG.warnf("Removing the stale %s of an earlier run", pidFile);
            try {
                Files.delete(pidFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the stale " + pidFile, e);
            }
        }
        return stopped;
    }

    private static long postmasterPid(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            return Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.US_ASCII)
                    .getFirst()
                    .strip());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "the embedded PostgreSQL runs but " + pidFile + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Calls {@code onLost} (once per service, from a thread of its own) when PostgreSQL or Redis exits
     * while the services are not being closed, e.g. killed by the OOM killer. The appliance stops then,
     * and its next start recovers (see {@link #start}).
     */
    public void onUnexpectedExit(Consumer<String> onLost) {
        watch(postmasterPid, "the embedded PostgreSQL", onLost);
        watch(redisPid, "the embedded Redis", onLost);
    }

    private void watch(long pid, String service, Consumer<String> onLost) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            report(service + " (pid " + pid + ") is not running", onLost);
            return;
        }
        handle.get().onExit().thenRun(() -> report(service + " (pid " + pid + ") stopped unexpectedly", onLost));
    }

    private void report(String reason, Consumer<String> onLost) {
        if (closing) {
            return;
        }
        Thread.ofPlatform().name("slate-embedded-lost").start(() -> onLost.accept(reason));
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    public EmbeddedRedisServer redis() {
        return redis;
    }

    long postmasterPid() {
        return postmasterPid;
    }

    long redisPid() {
        return redisPid;
    }

    long watchdogPid() {
        return watchdog.pid();
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
                "slate.secret.fraud_db_url",
                "postgresql://127.0.0.1:" + postgres.port() + "/fraud_app",
                "slate.secret.fraud_db_user",
                EmbeddedPostgresServer.USER);
    }

    /** Stops Redis, then PostgreSQL, then the watchdog, and releases the home. Idempotent. */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
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
        watchdog.close();
        lock.close();
    }

    private static void closeQuietly(AutoCloseable service) {
        if (service == null) {
            return;
        }
        try {
            service.close();
        } catch (Exception e) {
            LOG.warnf("could not stop %s: %s", service, e.getMessage());
        }
    }
}
