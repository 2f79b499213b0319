package dev.slate.serving.engine.trace;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-query traces in memory, bounded (docs/specs/query-trace.md). Every trace is kept for {@code
 * keepAll} (10 minutes by default); older ones only when they are <em>worth keeping</em>: a feature
 * error, slower than {@code slowThreshold}, or drawn by {@code sampleRate}, up to {@code maxRetained}
 * of them (the oldest go first). Both parts are bounded in count: when more than {@code maxRecent}
 * queries arrive within {@code keepAll}, the oldest recent traces move on early (and are counted), so
 * memory stays bounded whatever the query rate.
 *
 * <p>{@link #add} is on the query path: a map put, a queue offer and a random draw. {@link #expire}
 * does the moving and runs on a timer.
 */
public final class TraceStore {

    /** Why a trace is still kept once older than {@code keepAll}. */
    public enum Keep {
        ERROR,
        SLOW,
        SAMPLE,
        NONE
    }

    public record Settings(
            Duration keepAll, int maxRecent, int maxRetained, double sampleRate, Duration slowThreshold) {
        public Settings {
            requireNonNull(keepAll, "keepAll is null");
            requireNonNull(slowThreshold, "slowThreshold is null");
            if (maxRecent < 1 || maxRetained < 0 || sampleRate < 0 || sampleRate > 1) {
                throw new IllegalArgumentException(
                        "bad trace store settings: " + maxRecent + ", " + maxRetained + ", " + sampleRate);
            }
        }
    }

    private record Entry(StoredTrace trace, Keep keep) {}

    private final Settings settings;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Entry> recent = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Entry> retained = new ConcurrentLinkedQueue<>();
    private final AtomicInteger recentCount = new AtomicInteger();
    private final AtomicInteger retainedCount = new AtomicInteger();
    private final AtomicLong evictedEarly = new AtomicLong();

    public TraceStore(Settings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public void add(StoredTrace trace) {
        Keep keep = trace.failed()
                ? Keep.ERROR
                : trace.duration().compareTo(settings.slowThreshold()) > 0
                        ? Keep.SLOW
                        : settings.sampleRate() > 0
                                        && ThreadLocalRandom.current().nextDouble() < settings.sampleRate()
                                ? Keep.SAMPLE
                                : Keep.NONE;
        Entry e = new Entry(trace, keep);
        byId.put(trace.queryId(), e);
        recent.add(e);
        if (recentCount.incrementAndGet() > settings.maxRecent()) {
            Entry oldest = recent.poll();
            if (oldest != null) {
                recentCount.decrementAndGet();
                evictedEarly.incrementAndGet();
                age(oldest);
            }
        }
    }

    public Optional<StoredTrace> get(String queryId) {
        Entry e = byId.get(queryId);
        return e == null ? Optional.empty() : Optional.of(e.trace());
    }

    /** Why the trace is kept beyond the window, if it is. */
    public Optional<Keep> keep(String queryId) {
        return Optional.ofNullable(byId.get(queryId)).map(Entry::keep);
    }

    /** Moves traces older than {@code keepAll} out of the window: kept when worth keeping, else dropped. */
    public void expire() {
        Instant cutoff = clock.instant().minus(settings.keepAll());
        while (true) {
            Entry head = recent.peek();
            if (head == null || !head.trace().startedAt().isBefore(cutoff)) {
                return;
            }
            if (recent.remove(head)) {
                recentCount.decrementAndGet();
                age(head);
            }
        }
    }

    private void age(Entry e) {
        if (e.keep() == Keep.NONE || settings.maxRetained() == 0) {
            byId.remove(e.trace().queryId(), e);
            return;
        }
        retained.add(e);
        if (retainedCount.incrementAndGet() > settings.maxRetained()) {
            Entry oldest = retained.poll();
            if (oldest != null) {
                retainedCount.decrementAndGet();
                byId.remove(oldest.trace().queryId(), oldest);
            }
        }
    }

    /** Traces within the window (every query's). */
    public int recentCount() {
        return recentCount.get();
    }

    /** Older traces kept because they failed, were slow or were sampled. */
    public int retainedCount() {
        return retainedCount.get();
    }

    /** Recent traces that left the window before {@code keepAll} because more than {@code maxRecent} arrived. */
    public long evictedEarly() {
        return evictedEarly.get();
    }
}
