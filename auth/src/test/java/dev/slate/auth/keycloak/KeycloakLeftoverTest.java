package dev.slate.auth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a killed supervisor leaves of Keycloak, with the launcher's real state-file protocol and process
 * groups, and a stand-in distribution whose {@code kc.sh} runs a long-lived process named {@code java}
 * (a link to {@code sleep}) instead of the 30 s Keycloak start; the real server is covered by
 * {@link KeycloakRealmTest}.
 */
class KeycloakLeftoverTest {
    @TempDir
    Path dir;

    private KeycloakDistribution dist;
    private Path data;
    private final List<Process> started = new ArrayList<>();
    private final List<KeycloakServer> servers = new ArrayList<>();

    @BeforeEach
    void fakeDistribution() throws IOException {
        Path root = dir.resolve("keycloak-fake");
        for (String shared : KeycloakDistribution.SHARED_DIRECTORIES) {
            Files.createDirectories(root.resolve(shared));
        }
        Files.createDirectories(root.resolve("bin"));
        Files.createSymbolicLink(root.resolve("bin/java"), Path.of(sleepBinary()));
        Path kc = root.resolve("bin/kc.sh");
        Files.writeString(kc, "#!/bin/sh\nexec \"$(dirname \"$0\")/java\" 600\n");
        Files.setPosixFilePermissions(kc, PosixFilePermissions.fromString("rwxr-xr-x"));
        dist = new KeycloakDistribution(root);
        data = dir.resolve("home/keycloak");
    }

    @AfterEach
    void stopAll() {
        servers.forEach(KeycloakServer::stop);
        started.forEach(Process::destroyForcibly);
    }

    private static String sleepBinary() {
        return Files.isExecutable(Path.of("/usr/bin/sleep")) ? "/usr/bin/sleep" : "/bin/sleep";
    }

    private KeycloakServer.Options options() {
        return KeycloakServer.Options.of(dist, data).withPort(0);
    }

    private KeycloakServer launch(KeycloakServer.Options options) {
        KeycloakServer server = KeycloakServer.launch(options);
        servers.add(server);
        return server;
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(condition::getAsBoolean);
    }

    private static boolean groupAlive(long id) {
        return new ProcessGroup(id).alive();
    }

    @Test
    void anInstanceLeftRunningIsRefusedUnlessReplaced() throws Exception {
        KeycloakServer leftover = launch(options());
        await("the stand-in runs", () -> groupAlive(leftover.processGroup()));

        assertThatThrownBy(() -> launch(options()))
                .isInstanceOf(KeycloakException.class)
                .hasMessageContaining("already runs");

        KeycloakServer replacement = launch(options().withReplaceLeftover(true));
        assertThat(groupAlive(leftover.processGroup()))
                .as("the leftover was stopped")
                .isFalse();
        assertThat(replacement.processGroup()).isNotEqualTo(leftover.processGroup());
        assertThat(KeycloakServer.attach(data))
                .get()
                .extracting(KeycloakServer::processGroup)
                .isEqualTo(replacement.processGroup());
    }

    @Test
    void processesInTheInstanceDirectoryWithoutAStateFileAreStoppedOnReplace() throws Exception {
        Files.createDirectories(data);
        Process unrecorded = new ProcessBuilder(dist.root().resolve("bin/java").toString(), "600")
                .directory(data.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        started.add(unrecorded);
        Path elsewhere = Files.createDirectories(dir.resolve("other-installation/keycloak"));
        Process otherInstallation = new ProcessBuilder(
                        dist.root().resolve("bin/java").toString(), "600")
                .directory(elsewhere.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        started.add(otherInstallation);

        launch(options().withReplaceLeftover(true));

        assertThat(unrecorded.waitFor()).isEqualTo(143);
        assertThat(otherInstallation.isAlive()).isTrue();
    }

    @Test
    void keycloakDiesWithTheProcessItWatches() throws Exception {
        Process supervisor = new ProcessBuilder("sleep", "600")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        started.add(supervisor);
        KeycloakServer server = launch(options().withWatchParent(supervisor.pid()));
        await("the stand-in runs", () -> groupAlive(server.processGroup()));
        Awaitility.await("alive while its supervisor is")
                .during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(10))
                .until(() -> groupAlive(server.processGroup()));

        supervisor.destroyForcibly().waitFor(); // SIGKILL, as a killed slate up

        await("the Keycloak group is gone", () -> !groupAlive(server.processGroup()));
        assertThat(Files.readString(server.logFile())).contains("process " + supervisor.pid() + " is gone");
        assertThat(KeycloakServer.attach(data))
                .as("a later start sees nothing running")
                .isEmpty();
    }
}
