package dev.slate.storage.testservers;

import dev.slate.storage.embedded.EmbeddedPostgresServer;
import dev.slate.storage.embedded.EmbeddedRedisServer;
import dev.slate.storage.embedded.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * The PostgreSQL and Redis every test of the build talks to (docs/testing.md). By default each is a real
 * embedded server ({@code storage/embedded}, the ones the standalone appliance ships), started on first use on
 * a free loopback port, once per JVM, with its files under {@code target/test-servers/<pid>/}, and stopped
 * (files removed) at JVM exit. The machine's own servers are used only when asked for:
 *
 * <ul>
 *   <li>{@code SLATE_TEST_SERVERS=local}: PostgreSQL {@code jdbc:postgresql://127.0.0.1:5432/test} (user
 *       {@code postgres}, no password) and Redis {@code redis://127.0.0.1:6379};
 *   <li>{@code SLATE_TEST_JDBC_URL} (with {@code SLATE_TEST_JDBC_USER}, default {@code postgres}) and
 *       {@code SLATE_TEST_REDIS_URL}: that server, whatever the mode.
 * </ul>
 *
 * <p>Where the servers are is kept in system properties, not in fields: a {@code @QuarkusTest} loads this class
 * again in Quarkus' class loader, and both copies must find the same servers. For the same reason the start is
 * guarded by a string literal (interned, so one object in the whole JVM) rather than by this class.
 */
public final class TestServers {

    /** {@code local} for the machine's servers on 5432 and 6379; anything else (or unset): embedded. */
    public static final String MODE_VARIABLE = "SLATE_TEST_SERVERS";

    public static final String JDBC_URL_VARIABLE = "SLATE_TEST_JDBC_URL";
    public static final String JDBC_USER_VARIABLE = "SLATE_TEST_JDBC_USER";
    public static final String REDIS_URL_VARIABLE = "SLATE_TEST_REDIS_URL";

    static final String LOCAL_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String LOCAL_REDIS_URL = "redis://127.0.0.1:6379";
    /** The database the tests use on an embedded server (the one {@code .ci/run} recreates on a local one). */
    static final String DATABASE = "test";

    static final String SUPERUSER = "postgres";

    private static final String JDBC_URL_PROPERTY = "slate.test.servers.jdbc-url";
    private static final String JDBC_USER_PROPERTY = "slate.test.servers.jdbc-user";
    private static final String REDIS_URL_PROPERTY = "slate.test.servers.redis-url";
    private static final String START_LOCK = "dev.slate.storage.testservers.TestServers#start";

    private TestServers() {}

    /** This JVM's PostgreSQL, started on first use. */
    public static TestPostgres postgres() {
        return postgres(System.getenv());
    }

    /** This JVM's Redis ({@code redis://host:port}, database 0), started on first use. */
    public static String redisUrl() {
        return redisUrl(System.getenv());
    }

    static TestPostgres postgres(Map<String, String> env) {
        synchronized (START_LOCK) {
            String url = System.getProperty(JDBC_URL_PROPERTY);
            if (url == null) {
                String user;
                if (env.containsKey(JDBC_URL_VARIABLE) || local(env)) {
                    url = env.getOrDefault(JDBC_URL_VARIABLE, LOCAL_JDBC_URL);
                    user = env.getOrDefault(JDBC_USER_VARIABLE, SUPERUSER);
                    announce("PostgreSQL {0} (user {1}), as asked for by the environment", url, user);
                } else {
                    url = startPostgres();
                    user = SUPERUSER;
                }
                System.setProperty(JDBC_USER_PROPERTY, user);
                System.setProperty(JDBC_URL_PROPERTY, url);
            }
            return TestPostgres.parse(url, System.getProperty(JDBC_USER_PROPERTY));
        }
    }

    static String redisUrl(Map<String, String> env) {
        synchronized (START_LOCK) {
            String url = System.getProperty(REDIS_URL_PROPERTY);
            if (url == null) {
                if (env.containsKey(REDIS_URL_VARIABLE) || local(env)) {
                    url = env.getOrDefault(REDIS_URL_VARIABLE, LOCAL_REDIS_URL);
                    announce("Redis {0}, as asked for by the environment", url);
                } else {
                    url = startRedis();
                }
                System.setProperty(REDIS_URL_PROPERTY, url);
            }
            return url;
        }
    }

    /**
     * One line on standard error (not a logger: some modules' tests configure none), so every test report says
     * which servers the run used.
     */
    private static void announce(String pattern, Object... arguments) {
        System.err.println("[test-servers] " + MessageFormat.format(pattern, arguments));
    }

    static boolean local(Map<String, String> env) {
        return "local".equalsIgnoreCase(env.getOrDefault(MODE_VARIABLE, "").trim());
    }

    private static String startPostgres() {
        Path dir = jvmDirectory();
        Path binaries = Path.of(System.getProperty("java.io.tmpdir"), "slate-test-postgres");
        long started = System.nanoTime();
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(
                dir.resolve("postgres"), binaries, dir.resolve("postgres.log"), Ports.anyFree());
        server.ensureDatabase(DATABASE);
        atExit("postgres", () -> {
            server.close();
            deleteTree(dir.resolve("postgres"));
        });
        String url = server.jdbcUrl(DATABASE);
        announce(
                "embedded PostgreSQL on 127.0.0.1:{0} (database {1}, data {2}), started in {3} ms",
                String.valueOf(server.port()),
                DATABASE,
                dir.resolve("postgres"),
                String.valueOf((System.nanoTime() - started) / 1_000_000));
        return url;
    }

    private static String startRedis() {
        Path dir = jvmDirectory();
        EmbeddedRedisServer server = EmbeddedRedisServer.start(dir.resolve("redis"), Ports.anyFree());
        atExit("redis", () -> {
            server.close();
            deleteTree(dir.resolve("redis"));
        });
        announce("embedded Redis on 127.0.0.1:{0}", String.valueOf(server.port()));
        return server.url();
    }

    /**
     * {@code target/test-servers/<pid>} of the module under test (surefire runs in the module's directory); the
     * directories of earlier JVMs that are gone are removed first.
     */
    private static Path jvmDirectory() {
        Path root = Path.of(System.getProperty("slate.test.servers.dir", "target/test-servers"))
                .toAbsolutePath()
                .normalize();
        long pid = ProcessHandle.current().pid();
        try {
            Files.createDirectories(root);
            try (Stream<Path> children = Files.list(root)) {
                children.filter(p -> !p.getFileName().toString().equals(String.valueOf(pid)))
                        .filter(p -> p.getFileName().toString().matches("\\d+"))
                        .filter(p -> ProcessHandle.of(
                                        Long.parseLong(p.getFileName().toString()))
                                .isEmpty())
                        .forEach(TestServers::deleteTree);
            }
            return Files.createDirectories(root.resolve(String.valueOf(pid)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + root, e);
        }
    }

    private static void atExit(String name, Runnable stop) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "test-servers-stop-" + name));
    }

    /** Best effort (at exit, or of a JVM that is gone); {@code mvn clean} removes what is left. */
    private static void deleteTree(Path root) {
        FileUtils.deleteQuietly(root.toFile());
    }
}
