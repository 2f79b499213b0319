package dev.slate.appliance.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.storage.embedded.EmbeddedPostgresServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Starts and stops the real embedded PostgreSQL and Redis (not the Quarkus application). */
class EmbeddedServicesTest {
    /**
     * One directory for the class, one home per test below it: the PostgreSQL binaries are unpacked
     * once per JVM (the library caches them while their directory exists).
     */
    @TempDir
    static Path homes;

    private Path home;

    @BeforeEach
    void newHome(TestInfo test) {
        home = homes.resolve(test.getTestMethod().orElseThrow().getName());
    }

    private EmbeddedSettings settings(int postgresPort, int redisPort) {
        return new EmbeddedSettings(true, false, home, postgresPort, redisPort);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Connection connect(int port, String database) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", EmbeddedPostgresServer.USER);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, login);
    }

    private static String redis(int port, String command) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void postgresAnswersOverJdbcAndRedisAnswersPingThenBothStop() throws Exception {
        int pgPort = freePort();
        int redisPort = freePort();
        int postgresPort;
        try (EmbeddedServices services = EmbeddedServices.start(settings(pgPort, redisPort))) {
            postgresPort = services.postgres().port();
            assertThat(postgresPort).isEqualTo(pgPort);
            assertThat(services.redis().port()).isEqualTo(redisPort);

            try (Connection connection = connect(postgresPort, "slate");
                    Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT current_user, current_database(), 6 * 7")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("slate");
                assertThat(row.getString(2)).isEqualTo("slate");
                assertThat(row.getInt(3)).isEqualTo(42);
            }
            assertThat(redis(redisPort, "PING")).isEqualTo("+PONG");

            assertThat(services.configuration()).containsExactlyEntriesOf(orderedConfig(postgresPort, redisPort));
            assertThat(services.demoSecrets())
                    .containsEntry("slate.secret.fraud_db_url", "postgresql://127.0.0.1:" + postgresPort + "/fraud_app")
                    .containsEntry("slate.secret.fraud_db_user", "slate");
        }
        assertThat(accepts(postgresPort)).as("PostgreSQL stopped").isFalse();
        assertThat(accepts(redisPort)).as("Redis stopped").isFalse();
        assertThat(home.resolve("pg/PG_VERSION")).exists();
        assertThat(home.resolve("redis")).isDirectory();
        assertThat(home.resolve("logs/postgres.log")).isRegularFile();
    }

    private static Map<String, String> orderedConfig(int postgresPort, int redisPort) {
        LinkedHashMap<String, String> config = new LinkedHashMap<>();
        config.put("slate.db.host", "127.0.0.1");
        config.put("slate.db.port", String.valueOf(postgresPort));
        config.put("slate.db.name", "slate");
        config.put("slate.db.username", "slate");
        config.put("slate.redis.url", "redis://127.0.0.1:" + redisPort);
        return config;
    }

    @Test
    void dataSurvivesARestartWithTheSameHome() throws Exception {
        int pgPort = freePort();
        try (EmbeddedServices services = EmbeddedServices.start(settings(pgPort, freePort()));
                Connection connection = connect(services.postgres().port(), "slate");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (v text)");
            statement.execute("INSERT INTO kept VALUES ('still here')");
        }
        try (EmbeddedServices services = EmbeddedServices.start(settings(pgPort, freePort()));
                Connection connection = connect(services.postgres().port(), "slate");
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT v FROM kept")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void takenPortsFallBackToFreeOnes() throws Exception {
        try (ServerSocket pgBlocker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket redisBlocker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                EmbeddedServices services =
                        EmbeddedServices.start(settings(pgBlocker.getLocalPort(), redisBlocker.getLocalPort()))) {
            assertThat(services.postgres().port()).isNotEqualTo(pgBlocker.getLocalPort());
            assertThat(services.redis().port()).isNotEqualTo(redisBlocker.getLocalPort());
            assertThat(services.configuration())
                    .containsEntry(
                            "slate.db.port", String.valueOf(services.postgres().port()));
            assertThat(redis(services.redis().port(), "PING")).isEqualTo("+PONG");
            try (Connection connection = connect(services.postgres().port(), "slate")) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    @Test
    void aSecondInstanceOnTheSameHomeIsRefusedWithAClearMessage() throws Exception {
        try (EmbeddedServices first = EmbeddedServices.start(settings(freePort(), freePort()))) {
            assertThatThrownBy(() -> EmbeddedServices.start(settings(freePort(), freePort())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another Slate runs with the home");
            assertThat(redis(first.redis().port(), "PING")).isEqualTo("+PONG");
        }
    }

    @Test
    void settingsComeFromSystemPropertiesThenTheEnvironment() {
        Map<String, String> props = Map.of("slate.embedded", "true", "slate.embedded.pg-port", "25432");
        Map<String, String> env = Map.of(
                "SLATE_DEMO",
                "true",
                "SLATE_HOME",
                "~/data/slate",
                "SLATE_EMBEDDED_REDIS_PORT",
                "26379",
                "SLATE_EMBEDDED_PG_PORT",
                "1");

        EmbeddedSettings settings = EmbeddedSettings.from(props::get, env::get, Path.of("/home/ann"));

        assertThat(settings).isEqualTo(new EmbeddedSettings(true, true, Path.of("/home/ann/data/slate"), 25432, 26379));
    }

    @Test
    void defaults() {
        EmbeddedSettings settings = EmbeddedSettings.from(name -> null, name -> null, Path.of("/home/ann"));

        assertThat(settings).isEqualTo(new EmbeddedSettings(false, false, Path.of("/home/ann/.slate"), 15432, 16379));
    }

    @Test
    void badPortIsRejected() {
        assertThatThrownBy(() ->
                        EmbeddedSettings.from(Map.of("slate.embedded.pg-port", "x")::get, name -> null, Path.of("/h")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slate.embedded.pg-port");
        assertThatThrownBy(() -> EmbeddedSettings.from(
                        Map.of("slate.embedded.redis-port", "70000")::get, name -> null, Path.of("/h")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slate.embedded.redis-port");
    }
}
