package dev.slate.auth.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Stops what an earlier run of the same installation left behind (its supervisor was killed with
 * SIGKILL, ran out of memory or lost power): every process a {@link ProcessSelector} finds gets SIGTERM,
 * and SIGKILL when it has not exited within the grace period. Call it only while holding the
 * installation's lock ({@link InstallationLock}): then no live owner of those processes exists.
 */
public final class LeftoverProcesses {
    private LeftoverProcesses() {}

    /** A process that was stopped, for the log. */
    public record Stopped(String service, long pid, boolean killed) {}

    /**
     * @return the processes stopped (empty when nothing was left over)
     * @throws IllegalStateException when one survives SIGKILL
     */
    public static List<Stopped> stop(List<ProcessSelector> selectors, Duration grace, Consumer<String> log) {
        List<Stopped> stopped = new ArrayList<>();
        for (ProcessSelector selector : selectors) {
            List<ProcessHandle> found = selector.find();
            if (found.isEmpty()) {
                continue;
            }
            log.accept("found " + found.size() + " leftover " + selector.service() + " process(es) of an earlier run "
                    + pids(found) + " in " + selector.directory() + "; stopping them");
            found.forEach(ProcessHandle::destroy);
            List<ProcessHandle> survivors = awaitExit(found, grace);
            survivors.forEach(ProcessHandle::destroyForcibly);
            List<ProcessHandle> stubborn = awaitExit(survivors, Duration.ofSeconds(10));
            if (!stubborn.isEmpty()) {
                throw new IllegalStateException(
                        "cannot stop the leftover " + selector.service() + " " + pids(stubborn));
            }
            for (ProcessHandle p : found) {
                stopped.add(new Stopped(selector.service(), p.pid(), survivors.contains(p)));
            }
        }
        return List.copyOf(stopped);
    }

    static List<ProcessHandle> awaitExit(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> alive = new ArrayList<>(processes);
        while (true) {
            alive.removeIf(p -> !p.isAlive());
            if (alive.isEmpty() || System.nanoTime() > deadline) {
                return List.copyOf(alive);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.copyOf(alive);
            }
        }
    }

    private static String pids(List<ProcessHandle> processes) {
        return processes.stream().map(p -> Long.toString(p.pid())).toList().toString();
    }
}
