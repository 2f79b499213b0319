package dev.slate.auth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production build of a distribution and the start command it leads to, with a stand-in {@code kc.sh}
 * (a shell script that records its arguments and environment and writes {@code lib/quarkus} as
 * {@code kc.sh build} does); the real build and start are covered by {@link KeycloakRealmTest}.
 */
class KeycloakDistributionTest {

    @TempDir
    Path dir;

    private Path root;
    private Path calls;

    @BeforeEach
    void fakeDistribution() throws IOException {
        root = dir.resolve("keycloak-fake");
        calls = dir.resolve("calls");
        for (String shared : KeycloakDistribution.SHARED_DIRECTORIES) {
            Files.createDirectories(root.resolve(shared));
        }
        Files.writeString(root.resolve("version.txt"), "Keycloak - Version 26.7.3\n", StandardCharsets.UTF_8);
        kcScript("""
                echo "$* KC_DB=${KC_DB:-} opts=${JAVA_OPTS_APPEND:-}" >> "%s"
                mkdir -p "$(dirname "$0")/../lib/quarkus"
                echo built > "$(dirname "$0")/../lib/quarkus/generated-bytecode.jar"
                """.formatted(calls));
    }

    private void kcScript(String body) throws IOException {
        Path kc = root.resolve("bin/kc.sh");
        Files.createDirectories(kc.getParent());
        Files.writeString(kc, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(kc, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private List<String> calls() throws IOException {
        return Files.isRegularFile(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    void anUnbuiltDistributionStartsInDevelopmentMode() {
        KeycloakDistribution dist = new KeycloakDistribution(root);

        assertThat(dist.optimized()).isFalse();
        assertThat(KeycloakServer.command(dist, dir.resolve("home"), 18080))
                .contains("start-dev", "--http-host=127.0.0.1", "--hostname=http://127.0.0.1:18080", "--import-realm")
                .doesNotContain("start", "--optimized");
    }

    @Test
    void buildRunsKcShBuildOnceAndTheDistributionThenStartsOptimized() throws IOException {
        KeycloakDistribution dist = new KeycloakDistribution(root);

        assertThat(dist.build(Duration.ofMinutes(1))).as("built").isTrue();
        assertThat(dist.build(Duration.ofMinutes(1)))
                .as("second call: already built")
                .isFalse();

        assertThat(calls()).hasSize(1);
        assertThat(calls().get(0))
                .startsWith("build " + String.join(" ", KeycloakDistribution.BUILD_OPTIONS) + " KC_DB= ")
                .contains("-Djdk.net.hosts.file=");
        assertThat(dist.optimized()).isTrue();
        assertThat(new KeycloakDistribution(root).optimized())
                .as("recorded in the distribution")
                .isTrue();
        assertThat(KeycloakServer.command(dist, dir.resolve("home"), 18080))
                .containsSubsequence(
                        "start",
                        "--optimized",
                        "--http-enabled=true",
                        "--cache=local",
                        "--http-host=127.0.0.1",
                        "--http-port=18080",
                        "--hostname=http://127.0.0.1:18080",
                        "--import-realm")
                .doesNotContain("start-dev");
    }

    @Test
    void aBuildForAnotherKeycloakVersionOrOtherOptionsDoesNotCount() throws IOException {
        KeycloakDistribution dist = new KeycloakDistribution(root);
        dist.build(Duration.ofMinutes(1));
        Path marker = root.resolve(KeycloakDistribution.BUILD_MARKER);
        String recorded = Files.readString(marker, StandardCharsets.UTF_8);

        Files.writeString(marker, recorded.replace("--db\\=dev-file", "--db\\=postgres"), StandardCharsets.UTF_8);
        assertThat(dist.optimized()).as("built for PostgreSQL").isFalse();

        Files.writeString(marker, recorded, StandardCharsets.UTF_8);
        Files.writeString(root.resolve("version.txt"), "Keycloak - Version 26.8.0\n", StandardCharsets.UTF_8);
        assertThat(dist.optimized()).as("built for another version").isFalse();

        assertThat(dist.build(Duration.ofMinutes(1))).as("rebuilt").isTrue();
        assertThat(calls()).hasSize(2);
        assertThat(dist.optimized()).isTrue();
    }

    @Test
    void aFailedBuildSaysSoAndLeavesTheDistributionUnbuilt() throws IOException {
        kcScript("echo 'ERROR: no space left' ; exit 3\n");
        KeycloakDistribution dist = new KeycloakDistribution(root);

        assertThatThrownBy(() -> dist.build(Duration.ofMinutes(1)))
                .isInstanceOf(KeycloakException.class)
                .hasMessageContaining("kc.sh build failed (exit 3)")
                .hasMessageContaining("no space left");
        assertThat(dist.optimized()).isFalse();
        assertThat(root.resolve(KeycloakDistribution.BUILD_MARKER)).doesNotExist();
    }
}
