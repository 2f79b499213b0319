package dev.slate.serving.telemetry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts usage on the serving path and turns it into {@link UsageRecord}s per period (docs/specs/usage-records.md).
 *
 * <p>{@link #queryCompleted} is what a query pays: one map lookup and two {@link LongAdder} additions; it never
 * touches a database or the network. {@link #close} is called by one scheduler thread every period: it swaps in an
 * empty map and turns the map it swapped out one period earlier into records, so an addition that raced with a swap
 * (a thread that read the old map just before) is still counted.
 */
public final class UsageMeter {

    /** The counters of one environment and query name during one period. */
    private static final class Counts {
        final LongAdder queries = new LongAdder();
        final LongAdder featuresComputed = new LongAdder();
    }

    private record Key(String environment, String queryName) {}

    /** Counts of a period and where it started. */
    private record Period(Instant start, Map<Key, Counts> counts) {}

    private final String node;
    private final Duration period;
    private volatile Period open;
    private Closed closing;

    /**
     * @param node this replica's name in the records
     * @param period the length of a period: node seconds are counted in its whole multiples
     * @param start when counting starts (rounded down to a period boundary)
     */
    public UsageMeter(String node, Duration period, Instant start) {
        this.node = requireNonNull(node, "node is null");
        this.period = requireNonNull(period, "period is null");
        if (period.toMillis() < 1000) {
            throw new IllegalArgumentException("a usage period is at least 1 s");
        }
        this.open = new Period(floor(start), new ConcurrentHashMap<>());
    }

    public String node() {
        return node;
    }

    public Duration period() {
        return period;
    }

    /**
     * One online query finished.
     *
     * @param queryName the declared named query, or null for an ad-hoc query
     * @param featuresComputed output values computed rather than read from the online store
     */
    public void queryCompleted(String environment, String queryName, long featuresComputed) {
        Key key = new Key(environment, queryName == null || queryName.isEmpty() ? UsageRecord.ADHOC : queryName);
        Counts c = open.counts().computeIfAbsent(key, k -> new Counts());
        c.queries.increment();
        if (featuresComputed > 0) {
            c.featuresComputed.add(featuresComputed);
        }
    }

    /**
     * Closes the open period at {@code now} (rounded down to a boundary) and returns the records of the period
     * closed by the previous call, plus node seconds of that period for each environment this node served.
     * Called by one thread at a time.
     *
     * @param servedEnvironments the environments with an active deployment on this node during the period
     */
    public synchronized List<UsageRecord> close(Instant now, Collection<String> servedEnvironments) {
        Instant end = floor(now);
        List<UsageRecord> records = new ArrayList<>();
        if (closing != null) {
            records.addAll(records(closing.start(), closing.end(), closing.counts(), List.of()));
            closing = null;
        }
        Period current = open;
        if (!end.isAfter(current.start())) {
            return records;
        }
        open = new Period(end, new ConcurrentHashMap<>());
        // node seconds need no grace period: they do not depend on what racing queries add
        records.addAll(records(current.start(), end, Map.of(), servedEnvironments));
        closing = new Closed(current.start(), end, current.counts());
        return records;
    }

    /**
     * Every count still held (the period being closed and the open one, up to {@code now}), for a clean shutdown.
     * Additions racing with this call may be missed; nothing is counted twice.
     */
    public synchronized List<UsageRecord> drain(Instant now, Collection<String> servedEnvironments) {
        List<UsageRecord> records = new ArrayList<>(close(now, servedEnvironments));
        if (closing != null) {
            records.addAll(records(closing.start(), closing.end(), closing.counts(), List.of()));
            closing = null;
        }
        return records;
    }

    private List<UsageRecord> records(
            Instant start, Instant end, Map<Key, Counts> counts, Collection<String> servedEnvironments) {
        List<UsageRecord> out = new ArrayList<>();
        long seconds = Duration.between(start, end).toSeconds();
        for (String env : servedEnvironments) {
            out.add(UsageRecord.of(env, Optional.empty(), UsageMetric.NODE_SECONDS, seconds, start, end, node));
        }
        counts.forEach((key, c) -> {
            long queries = c.queries.sum();
            long computed = c.featuresComputed.sum();
            if (queries > 0) {
                out.add(UsageRecord.of(
                        key.environment(),
                        Optional.of(key.queryName()),
                        UsageMetric.QUERIES,
                        queries,
                        start,
                        end,
                        node));
            }
            if (computed > 0) {
                out.add(UsageRecord.of(
                        key.environment(),
                        Optional.of(key.queryName()),
                        UsageMetric.FEATURES_COMPUTED,
                        computed,
                        start,
                        end,
                        node));
            }
        });
        return out;
    }

    private Instant floor(Instant t) {
        long p = period.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), p) * p);
    }

    /** A closed period, kept for one more period before it is read. */
    private record Closed(Instant start, Instant end, Map<Key, Counts> counts) {}
}
