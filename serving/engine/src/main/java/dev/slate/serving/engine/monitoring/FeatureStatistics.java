package dev.slate.serving.engine.monitoring;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.ObservedValue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.FrequentItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.HllUnion;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Feature-value statistics per environment and feature over rolling windows (docs/operations.md, "Feature-value
 * monitoring"), in memory on this replica.
 *
 * <p>Values come off the request path: {@link #record} is called by the feature log's shipper thread with the values
 * it has just appended to the offline store (every value a query computed), and {@link #served} adds the ages of
 * values served from the online store to lock-free per-minute counters (a few atomic adds per output of a query, on
 * the pass the query metrics already make). Each window is a ring of buckets ({@link StatsWindow}); a bucket keeps
 * count, nulls, sum, min and max, a KLL sketch (numbers), an HLL sketch (distinct values) and a frequent-items sketch
 * (other types), allocated on first use. A value updates one bucket only, of the 5 m window's one-minute ring; each
 * one-minute bucket is folded into its 5-minute bucket of the 1 h window when its slot is reused, and read on its
 * own until then. Reading a window merges its buckets.
 *
 * <p>Bounded: at most {@code maxFeatures} features per environment are tracked (later ones are counted in {@link
 * #untracked()}), so memory is at most about {@code maxFeatures × 17 buckets × ~6 KB} per environment.
 */
public final class FeatureStatistics {

    /** KLL accuracy parameter: about 1.7 % normalized rank error. */
    static final int KLL_K = 200;
    /** HLL: 2^11 buckets, about 2.3 % relative error. */
    static final int HLL_LG_K = 11;
    /** Frequent items kept per bucket for non-numeric values. */
    static final int FREQUENT_ITEMS = 64;

    private static final int FRESHNESS_SLOTS = 64; // one per minute, > 60 for the 1 h window

    private final Clock clock;
    private final int maxFeatures;
    private final Map<String, Map<String, Tracked>> byEnvironment = new ConcurrentHashMap<>();
    private final LongAdder untracked = new LongAdder();

    public FeatureStatistics(Clock clock, int maxFeatures) {
        this.clock = requireNonNull(clock, "clock is null");
        if (maxFeatures < 1) {
            throw new IllegalArgumentException("maxFeatures must be at least 1, got " + maxFeatures);
        }
        this.maxFeatures = maxFeatures;
    }

    /** Values just shipped by the feature log; called on its shipper thread. */
    public void record(Collection<ObservedValue> values) {
        long now = clock.millis();
        String lastEnv = null;
        String lastFeature = null;
        Tracked last = null;
        String lastEntity = null;
        boolean seen = false;
        for (ObservedValue v : values) {
            String env = v.namespace();
            Tracked t;
            // a batch holds long runs of one feature: compare the parts before building the name
            if (seen
                    && env.equals(lastEnv)
                    && v.entity().equals(lastEntity)
                    && v.slot().feature().equals(lastFeature)) {
                t = last;
            } else {
                t = tracked(env, v.entity() + "." + v.slot().feature(), v.slot().type());
                lastEnv = env;
                lastEntity = v.entity();
                lastFeature = v.slot().feature();
                last = t;
                seen = true;
            }
            if (t != null) {
                t.add(v.value(), now);
            }
        }
    }

    /**
     * Values of a feature served from the online store by one query: {@code count} of them, their ages summed and the
     * oldest, in nanoseconds. Lock-free; called on the query's completion path.
     */
    public void served(String environment, String feature, long count, long ageNanosSum, long ageNanosMax) {
        if (count <= 0) {
            return;
        }
        Tracked t = tracked(environment, feature, null);
        if (t != null) {
            t.freshness.add(clock.millis(), count, ageNanosSum, ageNanosMax);
        }
    }

    /** Values not tracked because their environment already had {@code maxFeatures} features. */
    public long untracked() {
        return untracked.sum();
    }

    /** The features tracked in an environment. */
    public List<String> features(String environment) {
        Map<String, Tracked> m = byEnvironment.get(environment);
        return m == null ? List.of() : List.copyOf(m.keySet());
    }

    /** The environments with tracked features. */
    public List<String> environments() {
        return List.copyOf(byEnvironment.keySet());
    }

    /** The statistics of one feature over a window; empty when nothing was seen of it on this replica. */
    public Optional<FeatureValueStats> stats(String environment, String feature, StatsWindow window) {
        Map<String, Tracked> m = byEnvironment.get(environment);
        Tracked t = m == null ? null : m.get(feature);
        if (t == null) {
            return Optional.empty();
        }
        return Optional.of(t.snapshot(environment, feature, window, clock.millis()));
    }

    /** The numeric sketch of a feature's values over a window (for drift); empty without numeric values. */
    public Optional<KllDoublesSketch> numericSketch(String environment, String feature, StatsWindow window) {
        Map<String, Tracked> m = byEnvironment.get(environment);
        Tracked t = m == null ? null : m.get(feature);
        return t == null ? Optional.empty() : t.mergedKll(window, clock.millis());
    }

    /** Approximate counts of a non-numeric feature's frequent values over a window (for drift), and the total. */
    public Optional<Categorical> categories(String environment, String feature, StatsWindow window) {
        Map<String, Tracked> m = byEnvironment.get(environment);
        Tracked t = m == null ? null : m.get(feature);
        return t == null ? Optional.empty() : t.mergedItems(window, clock.millis());
    }

    /** Value counts of a categorical feature: the frequent values and the number of non-null values in all. */
    public record Categorical(Map<String, Long> counts, long total) {
        public Categorical {
            counts = Map.copyOf(counts);
        }
    }

    private Tracked tracked(String environment, String feature, FeatureType type) {
        Map<String, Tracked> m = byEnvironment.get(environment); // plain reads first: this runs per served output
        if (m == null) {
            m = byEnvironment.computeIfAbsent(environment, e -> new ConcurrentHashMap<>());
        }
        Tracked t = m.get(feature);
        if (t != null) {
            return t;
        }
        if (m.size() >= maxFeatures) {
            untracked.increment();
            return null;
        }
        return m.computeIfAbsent(feature, f -> new Tracked());
    }

    static boolean numeric(Object value) {
        return value instanceof Long || value instanceof Double || value instanceof Integer || value instanceof Float;
    }

    /** One feature of one environment: a ring of buckets per window, and the freshness counters. */
    private static final class Tracked {
        final Bucket[][] rings = new Bucket[StatsWindow.values().length][];
        final Freshness freshness = new Freshness();

        Tracked() {
            for (StatsWindow w : StatsWindow.values()) {
                rings[w.ordinal()] = new Bucket[w.buckets() + 1];
            }
        }

        /**
         * Adds a value to the current bucket of the finest window only ({@link StatsWindow#FIVE_MINUTES}, one-minute
         * buckets). The coarser window's buckets are built by folding each one-minute bucket in when its slot is
         * reused (and it leaves the ring); until then a window read takes the one-minute bucket itself, so every
         * value counts exactly once.
         */
        synchronized void add(Object value, long nowMillis) {
            StatsWindow fine = StatsWindow.FIVE_MINUTES;
            long b = fine.bucketOf(nowMillis);
            Bucket[] ring = rings[fine.ordinal()];
            int i = (int) Math.floorMod(b, (long) ring.length);
            Bucket bucket = ring[i];
            if (bucket == null || bucket.index != b) {
                if (bucket != null) {
                    fold(bucket);
                }
                bucket = new Bucket(b);
                ring[i] = bucket;
            }
            bucket.add(value);
        }

        /** Merges a finished one-minute bucket into its bucket of the coarser window. */
        private void fold(Bucket minute) {
            StatsWindow coarse = StatsWindow.ONE_HOUR;
            long b = coarseIndex(minute.index);
            Bucket[] ring = rings[coarse.ordinal()];
            int i = (int) Math.floorMod(b, (long) ring.length);
            Bucket bucket = ring[i];
            if (bucket == null || bucket.index != b) {
                if (bucket != null && bucket.index > b) {
                    return; // already left the coarser window
                }
                bucket = new Bucket(b);
                ring[i] = bucket;
            }
            bucket.merge(minute);
        }

        private static long coarseIndex(long minuteIndex) {
            return Math.floorDiv(
                    minuteIndex,
                    StatsWindow.ONE_HOUR.bucket().toMillis()
                            / StatsWindow.FIVE_MINUTES.bucket().toMillis());
        }

        /**
         * The buckets that make up window {@code w} now; for the coarser window, also the one-minute buckets not
         * folded yet.
         */
        private synchronized List<Bucket> live(StatsWindow w, long nowMillis) {
            long current = w.bucketOf(nowMillis);
            List<Bucket> out = new ArrayList<>(w.buckets());
            for (Bucket b : rings[w.ordinal()]) {
                if (b != null && b.index > current - w.buckets() && b.index <= current) {
                    out.add(b);
                }
            }
            if (w == StatsWindow.ONE_HOUR) {
                for (Bucket m : rings[StatsWindow.FIVE_MINUTES.ordinal()]) {
                    long c = m == null ? Long.MIN_VALUE : coarseIndex(m.index);
                    if (m != null && c > current - w.buckets() && c <= current) { // not folded yet
                        out.add(m);
                    }
                }
            }
            return out;
        }

        synchronized Optional<KllDoublesSketch> mergedKll(StatsWindow w, long nowMillis) {
            KllDoublesSketch merged = null;
            for (Bucket b : live(w, nowMillis)) {
                if (b.kll != null && !b.kll.isEmpty()) {
                    if (merged == null) {
                        merged = KllDoublesSketch.newHeapInstance(KLL_K);
                    }
                    merged.merge(b.kll);
                }
            }
            return Optional.ofNullable(merged);
        }

        synchronized Optional<Categorical> mergedItems(StatsWindow w, long nowMillis) {
            FrequentItemsSketch<String> merged = null;
            for (Bucket b : live(w, nowMillis)) {
                if (b.items != null && !b.items.isEmpty()) {
                    if (merged == null) {
                        merged = new FrequentItemsSketch<>(FREQUENT_ITEMS);
                    }
                    merged.merge(b.items);
                }
            }
            if (merged == null) {
                return Optional.empty();
            }
            Map<String, Long> counts = new HashMap<>();
            for (FrequentItemsSketch.Row<String> r : merged.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
                counts.put(r.getItem(), r.getEstimate());
            }
            return Optional.of(new Categorical(counts, merged.getStreamLength()));
        }

        synchronized FeatureValueStats snapshot(String environment, String feature, StatsWindow w, long nowMillis) {
            List<Bucket> live = live(w, nowMillis);
            long count = 0;
            long nulls = 0;
            long numericCount = 0;
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            HllUnion distinct = new HllUnion(HLL_LG_K);
            for (Bucket b : live) {
                count += b.count;
                nulls += b.nulls;
                numericCount += b.numericCount;
                sum += b.sum;
                min = Math.min(min, b.min);
                max = Math.max(max, b.max);
                if (b.hll != null) {
                    distinct.update(b.hll);
                }
                if (b.distinct != null) {
                    distinct.update(b.distinct.getResult());
                }
            }
            Optional<FeatureValueStats.Numeric> numeric = Optional.empty();
            if (numericCount > 0) {
                KllDoublesSketch kll = mergedKll(w, nowMillis).orElseThrow();
                double[] q = kll.getQuantiles(FeatureValueStats.QUANTILES);
                numeric = Optional.of(new FeatureValueStats.Numeric(numericCount, min, max, sum / numericCount, q));
            }
            List<Map.Entry<String, Long>> top = new ArrayList<>();
            mergedItems(w, nowMillis)
                    .ifPresent(c -> c.counts().entrySet().stream()
                            .sorted(Map.Entry.<String, Long>comparingByValue()
                                    .reversed()
                                    .thenComparing(Map.Entry.comparingByKey()))
                            .limit(10)
                            .forEach(e -> top.add(Map.entry(e.getKey(), e.getValue()))));
            long bucketMillis = w.bucket().toMillis();
            long current = w.bucketOf(nowMillis);
            Instant from = Instant.ofEpochMilli((current - w.buckets() + 1) * bucketMillis);
            return new FeatureValueStats(
                    environment,
                    feature,
                    w,
                    from,
                    Instant.ofEpochMilli(nowMillis),
                    count,
                    nulls,
                    numeric,
                    distinct.isEmpty() ? 0 : distinct.getEstimate(),
                    top,
                    freshness.over(w, nowMillis));
        }
    }

    /** The values of one bucket. Guarded by its {@link Tracked}'s lock. */
    private static final class Bucket {
        final long index;
        long count;
        long nulls;
        long numericCount;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        KllDoublesSketch kll;
        HllSketch hll;
        /** Distinct values of the buckets folded into this one (a coarser window's bucket). */
        HllUnion distinct;

        FrequentItemsSketch<String> items;

        Bucket(long index) {
            this.index = index;
        }

        /** Adds another bucket's values to this one. */
        void merge(Bucket other) {
            count += other.count;
            nulls += other.nulls;
            numericCount += other.numericCount;
            sum += other.sum;
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
            if (other.kll != null && !other.kll.isEmpty()) {
                if (kll == null) {
                    kll = KllDoublesSketch.newHeapInstance(KLL_K);
                }
                kll.merge(other.kll);
            }
            if (other.hll != null) {
                if (distinct == null) {
                    distinct = new HllUnion(HLL_LG_K);
                }
                distinct.update(other.hll);
            }
            if (other.items != null && !other.items.isEmpty()) {
                if (items == null) {
                    items = new FrequentItemsSketch<>(FREQUENT_ITEMS);
                }
                items.merge(other.items);
            }
        }

        void add(Object value) {
            count++;
            if (value == null) {
                nulls++;
                return;
            }
            if (hll == null) {
                hll = new HllSketch(HLL_LG_K, TgtHllType.HLL_8);
            }
            if (numeric(value)) {
                double d = ((Number) value).doubleValue();
                if (Double.isNaN(d)) {
                    return;
                }
                numericCount++;
                sum += d;
                min = Math.min(min, d);
                max = Math.max(max, d);
                if (kll == null) {
                    kll = KllDoublesSketch.newHeapInstance(KLL_K);
                }
                kll.update(d);
                hll.update(d);
            } else {
                String s = value.toString();
                hll.update(s);
                if (items == null) {
                    items = new FrequentItemsSketch<>(FREQUENT_ITEMS);
                }
                items.update(s);
            }
        }
    }

    /**
     * Ages of values served from the online store, per minute, in lock-free counters. A slot is reused for a later
     * minute by the first writer that sees it stale; a write racing with that reset may be lost (the counts are
     * approximate by at most the values of one query).
     */
    private static final class Freshness {
        final AtomicLongArray minute = new AtomicLongArray(FRESHNESS_SLOTS);
        final AtomicLongArray served = new AtomicLongArray(FRESHNESS_SLOTS);
        final AtomicLongArray ageSum = new AtomicLongArray(FRESHNESS_SLOTS);
        final AtomicLongArray ageMax = new AtomicLongArray(FRESHNESS_SLOTS);

        Freshness() {
            for (int i = 0; i < FRESHNESS_SLOTS; i++) {
                minute.set(i, Long.MIN_VALUE);
            }
        }

        void add(long nowMillis, long count, long sumNanos, long maxNanos) {
            long m = Math.floorDiv(nowMillis, 60_000L);
            int i = (int) Math.floorMod(m, (long) FRESHNESS_SLOTS);
            long seen = minute.get(i);
            if (seen != m && minute.compareAndSet(i, seen, m)) {
                served.set(i, 0);
                ageSum.set(i, 0);
                ageMax.set(i, 0);
            }
            served.addAndGet(i, count);
            ageSum.addAndGet(i, sumNanos);
            ageMax.accumulateAndGet(i, maxNanos, Math::max);
        }

        FeatureValueStats.Freshness over(StatsWindow w, long nowMillis) {
            long current = Math.floorDiv(nowMillis, 60_000L);
            long minutes = w.length().toMinutes();
            // the window's first minute: aligned like its buckets
            long firstMinute = Math.floorDiv(
                    (w.bucketOf(nowMillis) - w.buckets() + 1) * w.bucket().toMillis(), 60_000L);
            long n = 0;
            long sum = 0;
            long max = 0;
            for (int i = 0; i < FRESHNESS_SLOTS; i++) {
                long m = minute.get(i);
                if (m >= firstMinute && m <= current && current - m < minutes) {
                    n += served.get(i);
                    sum += ageSum.get(i);
                    max = Math.max(max, ageMax.get(i));
                }
            }
            return n == 0
                    ? new FeatureValueStats.Freshness(0, OptionalDouble.empty(), OptionalDouble.empty())
                    : new FeatureValueStats.Freshness(
                            n, OptionalDouble.of(sum / 1e9 / n), OptionalDouble.of(max / 1e9));
        }
    }
}
