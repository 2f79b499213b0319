package dev.slate.serving.source.http;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A circuit breaker for one HTTP resolver. Closed, it lets every run through and counts consecutive
 * failed runs; at {@code threshold} it opens and refuses runs for {@code coolDown}; then it lets exactly
 * one run through (half-open): its success closes the breaker, its failure opens it for another cool-down.
 * Thread-safe.
 */
final class CircuitBreaker {

    /** What the breaker says about one run. */
    enum Admission {
        ALLOW,
        PROBE,
        REJECT
    }

    private final int threshold;
    private final long coolDownNanos;
    private final LongSupplier clock;
    private int consecutiveFailures;
    private long openUntil; // nanoTime; meaningful only while open
    private boolean open;
    private boolean probing;

    CircuitBreaker(int threshold, Duration coolDown, LongSupplier nanoClock) {
        this.threshold = threshold;
        this.coolDownNanos = coolDown.toNanos();
        this.clock = nanoClock;
    }

    synchronized Admission admit() {
        if (!open) {
            return Admission.ALLOW;
        }
        if (probing || clock.getAsLong() - openUntil < 0) {
            return Admission.REJECT;
        }
        probing = true;
        return Admission.PROBE;
    }

    /** The upstream answered (whatever the status, short of a 5xx or 429). */
    synchronized void succeeded(Admission admission) {
        if (admission == Admission.PROBE || !open) {
            open = false;
            probing = false;
            consecutiveFailures = 0;
        }
    }

    /** The upstream failed: no connection, no answer in time, 5xx or 429. */
    synchronized void failed(Admission admission) {
        consecutiveFailures++;
        if (admission == Admission.PROBE || (!open && consecutiveFailures >= threshold)) {
            open = true;
            probing = false;
            openUntil = clock.getAsLong() + coolDownNanos;
        }
    }

    /** Why runs are refused, for the error message; call after {@link #admit()} said REJECT. */
    synchronized String describe() {
        long left = Math.max(0, openUntil - clock.getAsLong());
        return "circuit breaker open after " + Math.max(consecutiveFailures, threshold) + " consecutive failures"
                + (probing
                        ? "; a probe request is in flight"
                        : "; next probe in "
                                + Math.max(1, Duration.ofNanos(left).toMillis()) + " ms");
    }

    synchronized boolean isOpen() {
        return open;
    }
}
