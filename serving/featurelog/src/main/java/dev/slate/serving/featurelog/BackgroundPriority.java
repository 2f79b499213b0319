package dev.slate.serving.featurelog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Lowers the CPU priority of the calling thread (docs/specs/feature-log.md): the feature log's writer and shipper,
 * and the embedded DuckDB work the shipper runs on its own thread, then take only CPU time that serving leaves idle,
 * so that a backlog being shipped never queues queries. On Linux the nice value is a per-thread attribute: the
 * thread's id is read from {@code /proc/thread-self} and {@code renice} sets it. Elsewhere, or without
 * {@code renice}, this does nothing and the thread keeps normal priority.
 */
final class BackgroundPriority {

    private static final Logger LOG = Logger.getLogger(BackgroundPriority.class);
    /** The nice value of background threads: about a tenth of a normal thread's CPU share when both want the CPU. */
    static final int NICE = 10;

    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private BackgroundPriority() {}

    /** The calling thread's nice value: field 19 of /proc/thread-self/stat. */
    static int currentNice() throws IOException {
        String stat = Files.readString(THREAD_SELF.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]); // fields here start at field 3
    }

    /** Lowers the calling thread's priority to {@link #NICE} unless it is lower already; returns whether it is now that low. */
    static boolean lowerCurrentThread() {
        if (!Files.isSymbolicLink(THREAD_SELF)) {
            return false;
        }
        try {
            Path target = Files.readSymbolicLink(THREAD_SELF); // "<pid>/task/<tid>"
            String tid = target.getFileName().toString();
            if (!tid.chars().allMatch(Character::isDigit)) {
                return false;
            }
            if (currentNice() >= NICE) {
                return true; // already as low (never raise a priority someone lowered further)
            }
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", tid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!renice.waitFor(5, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                return false;
            }
            return renice.exitValue() == 0;
        } catch (IOException | RuntimeException e) {
            LOG.debugf(
                    "feature log: cannot lower the priority of %s (%s); it runs at normal priority",
                    Thread.currentThread().getName(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
