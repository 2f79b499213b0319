package dev.slate.installer.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.installer.CliException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code slate up} recognizes what a killed {@code slate up} of the same home left, and its home lock. */
class LeftoverApplianceTest {
    @TempDir
    Path dir;

    private Path cmdline(String... args) throws Exception {
        Path file = dir.resolve("cmdline-" + System.nanoTime());
        Files.write(file, (String.join("\0", args) + "\0").getBytes(StandardCharsets.UTF_8));
        return file;
    }

    @Test
    void anApplianceOfThisHomeStartedBySlateUpIsALeftoverCandidate() throws Exception {
        String home = ApplianceCommand.HOME_PROPERTY + "/home/ann/.slate";
        assertThat(LeftoverAppliance.matches(
                        cmdline(
                                "java",
                                "-Dslate.embedded=true",
                                "-Dslate.home=/home/ann/.slate",
                                "-Dslate.parent-pid=4242",
                                "-jar",
                                "quarkus-run.jar"),
                        home))
                .isTrue();
        assertThat(LeftoverAppliance.matches(
                        cmdline("java", "-Dslate.home=/home/ann/.slate-other", "-Dslate.parent-pid=4242"), home))
                .as("another home")
                .isFalse();
        assertThat(LeftoverAppliance.matches(
                        cmdline("java", "-Dslate.home=/home/ann/.slate", "-jar", "quarkus-run.jar"), home))
                .as("started by slate start, not slate up")
                .isFalse();
        assertThat(LeftoverAppliance.matches(dir.resolve("gone"), home)).isFalse();
    }

    @Test
    void aSecondSlateUpOnTheSameHomeIsRefused() {
        try (HomeLock first = HomeLock.acquire(dir, "slate up")) {
            assertThatThrownBy(() -> HomeLock.acquire(dir, "slate up"))
                    .isInstanceOf(CliException.class)
                    .hasMessageContaining("slate up already runs with the home " + dir)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        HomeLock.acquire(dir, "slate up").close();
        assertThat(LeftoverAppliance.find(dir)).isEmpty();
    }
}
