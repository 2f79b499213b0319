package dev.slate.appliance.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.storage.embedded.EmbeddedPostgresServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of each process of the embedded services in turn (the appliance JVM, its watchdog with it,
 * PostgreSQL, Redis), with a real PostgreSQL and Redis, then a start on the same home that must succeed
 * with the data intact. The full matrix through {@code slate up --demo}, Keycloak and the CLI included,
 * is {@code installer/test-kill-recovery.sh}.
 */
class EmbeddedCrashRecoveryTest {
    @TempDir
    static Path homes;

    private Path home;
    private Process child;

    @BeforeEach
    void newHome(TestInfo test) {
        home = homes.resolve(test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private EmbeddedSettings settings() throws IOException {
        return new EmbeddedSettings(true, false, home, freePort(), freePort());
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(condition::getAsBoolean);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Connection connect(int port) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", EmbeddedPostgresServer.USER);
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + EmbeddedPostgresServer.DATABASE, login);
    }

    /** Starts the services in a JVM of their own, as the appliance does; returns the pids it printed. */
    private Map<String, Long> startInChildJvm() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        child = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbeddedServicesChild.class.getName(),
                        home.toString(),
                        String.valueOf(freePort()),
                        String.valueOf(freePort()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("READY ")) {
                Map<String, Long> pids = new HashMap<>();
                for (String field : line.substring(6).split(" ")) {
                    String[] kv = field.split("=");
                    pids.put(kv[0], Long.parseLong(kv[1]));
                }
                Thread.ofPlatform().daemon().start(() -> drain(out));
                return pids;
            }
        }
        throw new AssertionError("the child JVM ended before its services were ready:\n" + seen);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the child's pipe from filling up
            }
        } catch (IOException e) {
            // the child is gone
        }
    }

    private void writeMarker(int port) throws SQLException {
        try (Connection c = connect(port);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS kept (v text)");
            s.execute("INSERT INTO kept VALUES ('before the crash')");
        }
    }

    private static void assertMarker(EmbeddedServices services) throws SQLException {
        try (Connection c = connect(services.postgres().port());
                Statement s = c.createStatement();
                ResultSet row = s.executeQuery("SELECT v FROM kept")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo("before the crash");
        }
    }

    @Test
    void servicesDieWithTheirKilledJvmAndTheNextStartSucceeds() throws Exception {
        Map<String, Long> pids = startInChildJvm();
        writeMarker(pids.get("pg-port").intValue());

        child.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs

        await(
                "the watchdog stopped PostgreSQL and Redis",
                Duration.ofSeconds(60),
                () -> !alive(pids.get("postmaster")) && !alive(pids.get("redis")) && !alive(pids.get("watchdog")));
        assertThat(Files.readString(home.resolve("logs/watchdog.log"))).contains("is gone");
        try (EmbeddedServices services = EmbeddedServices.start(settings())) {
            assertMarker(services);
        }
    }

    @Test
    void aLiveApplianceIsRefusedAndLeftoversOfARunWhoseWatchdogWasKilledTooAreStoppedOnTheNextStart() throws Exception {
        Map<String, Long> pids = startInChildJvm();
        writeMarker(pids.get("pg-port").intValue());
        assertThatThrownBy(() -> EmbeddedServices.start(settings()))
                .as("a live appliance on the same home is never stopped")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another Slate runs with the home " + home.toAbsolutePath())
                .hasMessageContaining("pid " + child.pid());
        assertThat(alive(pids.get("postmaster"))).isTrue();
        assertThat(alive(pids.get("redis"))).isTrue();

        ProcessHandle.of(pids.get("watchdog")).orElseThrow().destroyForcibly();
        await("the watchdog is gone", Duration.ofSeconds(10), () -> !alive(pids.get("watchdog")));
        child.destroyForcibly().waitFor();
        Awaitility.await("PostgreSQL and Redis outlive their JVM")
                .during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(10))
                .until(() -> alive(pids.get("postmaster")) && alive(pids.get("redis")));

        try (EmbeddedServices services = EmbeddedServices.start(settings())) {
            assertThat(alive(pids.get("postmaster"))).isFalse();
            assertThat(alive(pids.get("redis"))).isFalse();
            assertThat(services.postmasterPid()).isNotEqualTo(pids.get("postmaster"));
            assertMarker(services);
        }
    }

    @Test
    void aKilledPostgresOrRedisIsReportedAndTheNextStartRecovers() throws Exception {
        List<String> lost = new CopyOnWriteArrayList<>();
        EmbeddedServices services = EmbeddedServices.start(settings());
        try {
            writeMarker(services.postgres().port());
            services.onUnexpectedExit(lost::add);
            ProcessHandle.of(services.postmasterPid()).orElseThrow().destroyForcibly();
            await("the loss of PostgreSQL is reported", Duration.ofSeconds(30), () -> !lost.isEmpty());
            assertThat(lost)
                    .singleElement()
                    .asString()
                    .contains("embedded PostgreSQL")
                    .contains("stopped unexpectedly");
        } finally {
            services.close();
        }
        assertThat(home.resolve("pg/postmaster.pid"))
                .as("PostgreSQL left its lock file")
                .exists();

        lost.clear();
        services = EmbeddedServices.start(settings());
        try {
            assertMarker(services);
            services.onUnexpectedExit(lost::add);
            ProcessHandle.of(services.redisPid()).orElseThrow().destroyForcibly();
            await("the loss of Redis is reported", Duration.ofSeconds(30), () -> !lost.isEmpty());
            assertThat(lost).singleElement().asString().contains("embedded Redis");
        } finally {
            services.close();
        }
        assertThat(lost).as("a clean close reports nothing").hasSize(1);

        try (EmbeddedServices again = EmbeddedServices.start(settings())) {
            assertMarker(again);
        }
    }
}
