package dev.slate.auth.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leftovers are found by working directory and command name, and only those are stopped. */
class LeftoverProcessesTest {
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path root;

    @AfterEach
    void killAll() {
        started.forEach(Process::destroyForcibly);
    }

    private Process startIn(Path dir, String... command) throws IOException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(p);
        return p;
    }

    @Test
    void stopsOnlyTheSelectedServicesOfThisInstallation() throws Exception {
        Path mine = root.resolve("home/pg");
        Process leftover = startIn(mine, "sleep", "600");
        Process stubborn =
                startIn(mine, "sh", "-c", "trap '' TERM; exec sleep 600"); // SIGTERM stays ignored across exec
        Process otherCommand = startIn(mine, "tail", "-f", "/dev/null");
        Process otherInstallation = startIn(root.resolve("other-home/pg"), "sleep", "600");
        ProcessSelector selector = new ProcessSelector("test service", mine, Set.of("sleep"));
        ParentWatchdogTest.await(
                "the processes are visible",
                Duration.ofSeconds(10),
                () -> selector.find().size() >= 2);
        assertThat(selector.selects(leftover.pid())).isTrue();
        assertThat(selector.selects(otherCommand.pid())).isFalse();
        assertThat(selector.selects(otherInstallation.pid())).isFalse();

        List<String> log = new ArrayList<>();
        List<LeftoverProcesses.Stopped> stopped =
                LeftoverProcesses.stop(List.of(selector), Duration.ofSeconds(2), log::add);

        assertThat(stopped).extracting(LeftoverProcesses.Stopped::pid).contains(leftover.pid(), stubborn.pid());
        assertThat(stopped)
                .filteredOn(s -> s.pid() == stubborn.pid())
                .singleElement()
                .extracting(LeftoverProcesses.Stopped::killed)
                .isEqualTo(true);
        assertThat(leftover.waitFor()).isEqualTo(143);
        assertThat(stubborn.waitFor()).isEqualTo(137);
        assertThat(otherCommand.isAlive()).isTrue();
        assertThat(otherInstallation.isAlive()).isTrue();
        assertThat(log)
                .singleElement()
                .asString()
                .contains("leftover test service")
                .contains(mine.toString());
        assertThat(selector.find()).isEmpty();
    }

    @Test
    void nothingLeftOverIsNothingToDo() {
        assertThat(LeftoverProcesses.stop(
                        List.of(new ProcessSelector("x", root.resolve("none"), Set.of("sleep"))),
                        Duration.ofSeconds(1),
                        line -> {}))
                .isEmpty();
    }

    @Test
    void theInstallationLockIsExclusiveUntilClosed() {
        Path file = root.resolve("run/embedded.lock");
        try (InstallationLock first = InstallationLock.tryAcquire(file).orElseThrow()) {
            assertThat(InstallationLock.tryAcquire(file)).isEmpty();
            assertThat(InstallationLock.holder(file))
                    .contains(ProcessHandle.current().pid());
        }
        try (InstallationLock again = InstallationLock.tryAcquire(file).orElseThrow()) {
            assertThat(again.file()).isEqualTo(file);
        }
    }
}
