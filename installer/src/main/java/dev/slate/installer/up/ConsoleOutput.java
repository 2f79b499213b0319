package dev.slate.installer.up;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * The terminal shared by the appliance's forwarded log lines and the CLI's own progress dots: a log
 * line always starts on a fresh line, even right after a run of dots, and dots appear only while the
 * appliance is quiet.
 */
final class ConsoleOutput {
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PrintWriter out;
    private boolean midLine;
    private long lastLineAt = System.nanoTime() - QUIET_NANOS;

    ConsoleOutput(PrintWriter out) {
        this.out = requireNonNull(out, "out is null");
    }

    synchronized void line(String line) {
        if (midLine) {
            out.println();
            midLine = false;
        }
        out.println(line);
        out.flush();
        lastLineAt = System.nanoTime();
    }

    synchronized void text(String text) {
        if (midLine) {
            out.println();
            midLine = false;
        }
        out.print(text);
        out.flush();
    }

    /** One progress dot, after {@code startText} when a new run of dots begins; nothing while log lines flow. */
    synchronized void progress(String startText) {
        if (!midLine && System.nanoTime() - lastLineAt < QUIET_NANOS) {
            return;
        }
        if (!midLine) {
            out.print(startText);
            midLine = true;
        }
        out.print('.');
        out.flush();
    }
}
