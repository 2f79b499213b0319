package dev.slate.auth.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog with real processes: a fake parent and fake services ({@code sleep}, {@code sh}) that it must stop. */
class ParentWatchdogTest {
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void killAll() {
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(p);
        return p;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(condition::getAsBoolean);
    }

    private static boolean groupAlive(long id) {
        try {
            return new ProcessBuilder("kill", "-0", "--", "-" + id)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    @Test
    void servicesAreStoppedWhenTheParentIsKilled() throws Exception {
        Process parent = start("sleep", "600");
        Process service = start("sleep", "600");
        Path log = dir.resolve("watchdog.log");
        try (ParentWatchdog watchdog = ParentWatchdog.start(
                parent.pid(),
                Duration.ofSeconds(5),
                List.of(new ParentWatchdog.Target.Process(service.pid(), "sleep")),
                Optional.of(log))) {
            // the watchdog polls while the parent lives, and stops nothing
            Awaitility.await("the service and the watchdog keep running")
                    .during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> service.isAlive() && watchdog.isAlive());

            parent.destroyForcibly().waitFor();

            await("the service is stopped", Duration.ofSeconds(20), () -> !service.isAlive());
            assertThat(service.exitValue()).as("SIGTERM").isEqualTo(143);
            await("the watchdog leaves", Duration.ofSeconds(10), () -> !watchdog.isAlive());
            assertThat(Files.readString(log)).contains("process " + parent.pid() + " is gone");
        }
    }

    @Test
    void aServiceThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        Process parent = start("sleep", "600");
        Process stubborn = start("sh", "-c", "trap '' TERM; exec sleep 600"); // SIGTERM stays ignored across exec
        try (ParentWatchdog watchdog = ParentWatchdog.start(
                parent.pid(),
                Duration.ofSeconds(2),
                List.of(new ParentWatchdog.Target.Process(stubborn.pid(), "sleep")),
                Optional.empty())) {
            parent.destroyForcibly().waitFor();
            await("the stubborn service is killed", Duration.ofSeconds(30), () -> !stubborn.isAlive());
            assertThat(stubborn.exitValue()).as("SIGKILL").isEqualTo(137);
        }
    }

    @Test
    void aProcessGroupIsStoppedAsAWhole() throws Exception {
        Process parent = start("sleep", "600");
        Process leader = start("setsid", "sh", "-c", "sleep 600 & sleep 600 & wait");
        await(
                "the group has its members",
                Duration.ofSeconds(10),
                () -> leader.descendants().count() == 2);
        List<ProcessHandle> members = leader.descendants().toList();
        try (ParentWatchdog watchdog = ParentWatchdog.start(
                parent.pid(),
                Duration.ofSeconds(5),
                List.of(new ParentWatchdog.Target.Group(leader.pid())),
                Optional.empty())) {
            parent.destroyForcibly().waitFor();
            await(
                    "the whole group is gone",
                    Duration.ofSeconds(20),
                    () -> !leader.isAlive()
                            && members.stream().noneMatch(ProcessHandle::isAlive)
                            && !groupAlive(leader.pid()));
        }
    }

    @Test
    void aPidThatNowBelongsToAnotherProgramIsNeverSignalled() throws Exception {
        Process parent = start("sleep", "600");
        Process other = start("sleep", "600");
        Process service = start("sleep", "600");
        // "other" stands for a reused pid: the watchdog expects a postgres there
        try (ParentWatchdog watchdog = ParentWatchdog.start(
                parent.pid(),
                Duration.ofSeconds(2),
                List.of(
                        new ParentWatchdog.Target.Process(other.pid(), "postgres"),
                        new ParentWatchdog.Target.Process(service.pid(), "sleep")),
                Optional.empty())) {
            parent.destroyForcibly().waitFor();
            await("the real service is stopped", Duration.ofSeconds(20), () -> !service.isAlive());
            await("the watchdog leaves", Duration.ofSeconds(10), () -> !watchdog.isAlive());
            assertThat(other.isAlive()).isTrue();
        }
    }

    @Test
    void theWatchdogLeavesWhenItsServicesStoppedAndLeavesThemAloneWhenClosed() throws Exception {
        Process parent = start("sleep", "600");
        Process service = start("sleep", "600");
        ParentWatchdog watchdog = ParentWatchdog.start(
                parent.pid(),
                Duration.ofSeconds(2),
                List.of(new ParentWatchdog.Target.Process(service.pid(), "sleep")),
                Optional.empty());
        service.destroy();
        await("the watchdog leaves once nothing is left to watch", Duration.ofSeconds(10), () -> !watchdog.isAlive());
        assertThat(parent.isAlive()).isTrue();

        Process second = start("sleep", "600");
        try (ParentWatchdog closed = ParentWatchdog.start(
                parent.pid(),
                Duration.ofSeconds(2),
                List.of(new ParentWatchdog.Target.Process(second.pid(), "sleep")),
                Optional.empty())) {
            closed.close();
            assertThat(closed.isAlive()).isFalse();
        }
        parent.destroyForcibly().waitFor();
        Awaitility.await("a closed watchdog stops nothing")
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(second::isAlive);
    }

    @Test
    void targetsAreValidated() {
        assertThatThrownBy(() -> new ParentWatchdog.Target.Process(1, "init"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParentWatchdog.Target.Process(100, "a b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParentWatchdog.Target.Group(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ParentWatchdog.Target.Group(42).argument()).isEqualTo("-42");
        assertThat(new ParentWatchdog.Target.Process(42, "postgres").argument()).isEqualTo("42:postgres");
    }
}
