package dev.slate.auth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycloakCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return KeycloakCommand.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void noActionOrAnUnknownOneIsAUsageError() {
        assertThat(run()).isEqualTo(64);
        assertThat(run("restart")).isEqualTo(64);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: keycloak.sh start|stop|status");
    }

    @Test
    void unknownOptionsAndMissingValuesAreUsageErrors() {
        assertThat(run("start", "--colour")).isEqualTo(64);
        assertThat(run("start", "--port")).isEqualTo(64);
        assertThat(run("start", "--port", "http")).isEqualTo(64);
    }

    @Test
    void statusAndStopOfAnIdleDataDirectory(@TempDir Path dir) {
        assertThat(run("status", "--data", dir.toString())).isEqualTo(3);
        assertThat(run("stop", "--data", dir.toString())).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("not running from " + dir);
    }

    @Test
    void startWithoutADistributionFailsClearly(@TempDir Path dir) {
        assertThat(run(
                        "start",
                        "--dist",
                        dir.resolve("none").toString(),
                        "--data",
                        dir.resolve("data").toString()))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a Keycloak distribution");
    }
}
