package dev.slate.serving.source.http;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * At most {@code maxInFlight} runs of one resolver at once, at most {@code maxQueue} more waiting (first
 * come, first served); beyond that a run is refused at once. A waiting run that has given up (timed out)
 * is skipped when its turn comes. Thread-safe.
 */
final class ConcurrencyLimit {

    /** A run that waits for a slot: {@code start} returns false when it has given up meanwhile. */
    interface Waiter extends BooleanSupplier {}

    private final int maxInFlight;
    private final int maxQueue;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int inFlight;

    ConcurrencyLimit(int maxInFlight, int maxQueue) {
        this.maxInFlight = maxInFlight;
        this.maxQueue = maxQueue;
    }

    /** Starts {@code waiter} now (on this thread), queues it, or returns false when the queue is full. */
    boolean enter(Waiter waiter) {
        synchronized (this) {
            if (inFlight >= maxInFlight) {
                if (queue.size() >= maxQueue) {
                    return false;
                }
                queue.addLast(waiter);
                return true;
            }
            inFlight++;
        }
        if (!waiter.getAsBoolean()) {
            leave();
        }
        return true;
    }

    /** A run holding a slot has finished: the slot goes to the next waiter still waiting. */
    void leave() {
        while (true) {
            Waiter next;
            synchronized (this) {
                next = queue.pollFirst();
                if (next == null) {
                    inFlight--;
                    return;
                }
            }
            if (next.getAsBoolean()) {
                return; // the slot passed to it
            }
        }
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int waiting() {
        return queue.size();
    }
}
