package dev.slate.serving.engine.trace;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The spans of one query as it runs: the online-store read, every resolver call and every expression,
 * each with its row, start offset and duration. Made to be cheap on the query path: one set of
 * arrays sized for the plan when the query starts, and a span is an atomic slot reservation and a few
 * array writes (resolvers complete on other threads; the query's completion publishes everything).
 * Spans beyond the capacity are counted, not kept. {@link #OFF} records nothing.
 */
public final class QueryTrace {

    /** Records nothing: for offline recomputation and tests. */
    public static final QueryTrace OFF = new QueryTrace(0);

    private final long startNanos;
    private final SpanKind[] kinds;
    private final String[] names;
    private final int[] rows;
    private final long[] starts;
    private final long[] durations;
    private final SpanOutcome[] outcomes;
    private final String[] details;
    private final AtomicInteger next = new AtomicInteger();

    /** A trace starting now that keeps at most {@code capacity} spans. */
    public QueryTrace(int capacity) {
        this.startNanos = System.nanoTime();
        this.kinds = new SpanKind[capacity];
        this.names = new String[capacity];
        this.rows = new int[capacity];
        this.starts = new long[capacity];
        this.durations = new long[capacity];
        this.outcomes = new SpanOutcome[capacity];
        this.details = new String[capacity];
    }

    /** Whether spans are kept at all: callers skip measuring when not. */
    public boolean enabled() {
        return kinds.length > 0;
    }

    public long startNanos() {
        return startNanos;
    }

    /**
     * Records a span that ran from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()}).
     *
     * @param row the query row it ran for, or -1 (the store read covers all rows)
     * @param detail a short note (hits and misses of a store read, a failure's code), or null
     */
    public void span(
            SpanKind kind, String name, int row, long startNanos, long endNanos, SpanOutcome outcome, String detail) {
        if (kinds.length == 0) {
            return;
        }
        int i = next.getAndIncrement();
        if (i >= kinds.length) {
            return;
        }
        kinds[i] = kind;
        names[i] = name;
        rows[i] = row;
        starts[i] = startNanos - this.startNanos;
        durations[i] = endNanos - startNanos;
        outcomes[i] = outcome;
        details[i] = detail;
    }

    /** How many spans were recorded (at most the capacity). Read once the query completed. */
    public int size() {
        return Math.min(next.get(), kinds.length);
    }

    /** Spans that did not fit. */
    public int dropped() {
        return Math.max(0, next.get() - kinds.length);
    }

    public SpanKind kind(int i) {
        return kinds[i];
    }

    public String name(int i) {
        return names[i];
    }

    public int row(int i) {
        return rows[i];
    }

    /** Nanoseconds from the query's start to the span's start. */
    public long startOffsetNanos(int i) {
        return starts[i];
    }

    public long durationNanos(int i) {
        return durations[i];
    }

    public SpanOutcome outcome(int i) {
        return outcomes[i];
    }

    public String detail(int i) {
        return details[i];
    }

    public enum SpanKind {
        STORE_READ,
        RESOLVER,
        EXPRESSION
    }

    public enum SpanOutcome {
        OK,
        FAILED,
        TIMED_OUT,
        SKIPPED
    }
}
