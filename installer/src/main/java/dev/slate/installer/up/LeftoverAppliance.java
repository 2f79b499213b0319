package dev.slate.installer.up;

import dev.slate.installer.CliException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * An appliance JVM that a killed {@code slate up} of the same home left behind: its command line
 * names the home ({@code -Dslate.home=HOME}) and a parent ({@code -Dslate.parent-pid=}). It stops
 * itself within a second of noticing its parent is gone; this waits for that and forces it when it
 * does not happen. Only called while holding the home's {@link HomeLock}, so no live {@code slate up}
 * owns such a process. An appliance of another home, or one started by {@code slate start}, is never
 * touched. Linux only ({@code /proc}).
 */
public final class LeftoverAppliance {
    private static final Path PROC = Path.of("/proc");
    static final Duration GRACE = Duration.ofSeconds(45);

    private LeftoverAppliance() {}

    static List<ProcessHandle> find(Path home) {
        String homeArgument =
                ApplianceCommand.HOME_PROPERTY + home.toAbsolutePath().normalize();
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> found = new ArrayList<>();
        if (!Files.isDirectory(PROC)) {
            return List.of();
        }
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                if (pid != self && matches(entry.resolve("cmdline"), homeArgument)) {
                    ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.copyOf(found);
    }

    static boolean matches(Path cmdlineFile, String homeArgument) {
        try {
            List<String> args =
                    Arrays.asList(new String(Files.readAllBytes(cmdlineFile), StandardCharsets.UTF_8).split("\0"));
            return args.contains(homeArgument)
                    && args.stream().anyMatch(a -> a.startsWith(ApplianceCommand.PARENT_PID_PROPERTY));
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Waits for (then forces) the exit of every leftover appliance of {@code home}. */
    public static void stop(Path home, Consumer<String> out) {
        List<ProcessHandle> leftovers = find(home);
        if (leftovers.isEmpty()) {
            return;
        }
        out.accept("An earlier slate up of " + home + " was killed; stopping the appliance it left running (pid "
                + leftovers.stream().map(p -> Long.toString(p.pid())).toList() + ")…");
        leftovers.forEach(ProcessHandle::destroy);
        if (!awaitExit(leftovers, GRACE)) {
            leftovers.forEach(ProcessHandle::destroyForcibly);
            if (!awaitExit(leftovers, Duration.ofSeconds(10))) {
                throw new CliException("cannot stop the appliance an earlier slate up left running (pid "
                        + leftovers.stream()
                                .filter(ProcessHandle::isAlive)
                                .map(p -> Long.toString(p.pid()))
                                .toList() + ")");
            }
        }
    }

    private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
