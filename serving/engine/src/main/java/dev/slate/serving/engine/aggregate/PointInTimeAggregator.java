package dev.slate.serving.engine.aggregate;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.Producer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Windowed aggregations of offline queries (docs/specs/aggregations.md, "Offline"): for each spine row (parent key,
 * t) and window w, the aggregate of the related rows current at t whose event time lies in (t − w, t], by the rules
 * of {@link AggregateState} — the same class the online modes use.
 *
 * <p>Efficient by a sweep, not a rescan per spine row: a version of a related row that is current over [from, until)
 * and has event time ts is in window w at exactly the times t in [max(from, ts), min(until, ts + w)). Per parent and
 * output, those intervals are added to and removed from one sliding state while the parent's spine times are visited
 * in ascending order, so every version is added and removed once. {@code count}, {@code sum}, {@code mean} and
 * {@code stddev} remove exactly (decimal sums); {@code min}, {@code max}, {@code first}, {@code last} and the distinct
 * counts keep a sorted multiset of the window's values; {@code approx_percentile} an order-statistics tree. A
 * {@code where} that does not name {@code now} is evaluated once per version; one that does is evaluated at each spine
 * row over the rows current in the window ({@link WindowAggregator#compute}), which is slower.
 *
 * <p>A materialized aggregation ({@code materialize: {bucket: b}}) uses the bucket-aligned windows of the online
 * buckets ({@link BucketedAggregations}): its window at t is [(k − w/b + 1)·b, (k + 1)·b) with k = ⌊t/b⌋, so a
 * version is in it at the times [max(from, ⌊ts/b⌋·b), min(until, ⌊ts/b⌋·b + w)).
 */
public final class PointInTimeAggregator {

    /**
     * One version of one related row: its values as they were from {@code from} (inclusive) until {@code until}
     * (exclusive; null: still current), and the parent it belonged to (the foreign key's value) then.
     */
    public record Version(Object parent, Instant from, Instant until, RelatedRow row) {
        public Version {
            requireNonNull(parent, "parent is null");
            requireNonNull(from, "from is null");
            requireNonNull(row, "row is null");
            requireNonNull(row.time(), "a version without an event time is in no window");
        }
    }

    /** Where per-row failures of an output go. */
    @FunctionalInterface
    public interface Errors {
        /** Output {@code output} of spine row {@code row} failed: its value is null. */
        void add(int row, int output, String message);
    }

    private PointInTimeAggregator() {}

    /**
     * The value of every output at every spine row: {@code result[output][row]}.
     *
     * @param outputs windows of aggregations, all over the same relation and event time
     * @param parents the parent key of each spine row (the value the relation's foreign key refers to)
     * @param times the time t of each spine row
     * @param versions every version of every related row (see {@link RelatedHistory})
     */
    public static Object[][] compute(
            List<Producer.Aggregated> outputs,
            Object[] parents,
            Instant[] times,
            List<Version> versions,
            Errors errors) {
        if (parents.length != times.length) {
            throw new IllegalArgumentException("one parent and one time per spine row");
        }
        Map<Object, List<Integer>> rowsByParent = new HashMap<>();
        for (int r = 0; r < parents.length; r++) {
            if (parents[r] != null) {
                rowsByParent.computeIfAbsent(parents[r], p -> new ArrayList<>()).add(r);
            }
        }
        Map<Object, List<Version>> versionsByParent = new HashMap<>();
        for (Version v : versions) {
            if (rowsByParent.containsKey(v.parent())) {
                versionsByParent
                        .computeIfAbsent(v.parent(), p -> new ArrayList<>())
                        .add(v);
            }
        }
        Object[][] out = new Object[outputs.size()][parents.length];
        Map<WindowKey, List<Integer>> byWindow = new LinkedHashMap<>();
        for (int o = 0; o < outputs.size(); o++) {
            byWindow.computeIfAbsent(
                            new WindowKey(
                                    outputs.get(o).window(),
                                    outputs.get(o).aggregation().bucket()),
                            w -> new ArrayList<>())
                    .add(o);
        }
        Map<FeatureId, Map<Version, BigDecimal>> decimals = new HashMap<>();
        for (Map.Entry<Object, List<Integer>> e : rowsByParent.entrySet()) {
            int[] rows = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            long[] rowMicros = new long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                rowMicros[i] = micros(times[rows[i]]);
            }
            sortBy(rows, rowMicros);
            List<Version> mine = versionsByParent.getOrDefault(e.getKey(), List.of());
            Map<AggregationNode, Item[]> prepared = new IdentityHashMap<>();
            for (Map.Entry<WindowKey, List<Integer>> w : byWindow.entrySet()) {
                sweep(outputs, w.getValue(), w.getKey(), rows, rowMicros, times, mine, decimals, prepared, out, errors);
            }
        }
        for (int o = 0; o < outputs.size(); o++) {
            AggregationNode a = outputs.get(o).aggregation();
            for (int r = 0; r < parents.length; r++) {
                if (parents[r] == null) {
                    out[o][r] = new AggregateState(a.function(), a.type(), a.percentile())
                            .result(); // no parent: no related rows
                }
            }
        }
        return out;
    }

    /**
     * A window width and, for a materialized aggregation, its bucket: then the window at t is whole epoch-aligned
     * buckets, the event times [(k − w/b + 1)·b, (k + 1)·b) with k = ⌊t/b⌋ (docs/specs/aggregations.md).
     */
    private record WindowKey(Duration window, Optional<Duration> bucket) {}

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    /** Sorts {@code items} (indexes) by {@code keys} ascending, keeping both arrays aligned; stable. */
    private static void sortBy(int[] items, long[] keys) {
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(keys[x], keys[y]));
        int[] sortedItems = new int[items.length];
        long[] sortedKeys = new long[keys.length];
        for (int i = 0; i < order.length; i++) {
            sortedItems[i] = items[order[i]];
            sortedKeys[i] = keys[order[i]];
        }
        System.arraycopy(sortedItems, 0, items, 0, items.length);
        System.arraycopy(sortedKeys, 0, keys, 0, keys.length);
    }

    /** A version in one window: in the window at the times [start, end); {@code failure} when it cannot be aggregated. */
    private record Item(int id, Version version, Object value, BigDecimal exact, String failure) {}

    /**
     * One parent's spine rows ({@code rows}, ascending by time) for the outputs {@code members} that share window {@code w}:
     * the versions' in-window intervals are computed and ordered once, and every output's sliding state follows them.
     */
    private static void sweep(
            List<Producer.Aggregated> outputs,
            List<Integer> members,
            WindowKey key,
            int[] rows,
            long[] rowMicros,
            Instant[] times,
            List<Version> versions,
            Map<FeatureId, Map<Version, BigDecimal>> decimals,
            Map<AggregationNode, Item[]> prepared,
            Object[][] out,
            Errors errors) {
        Duration w = key.window();
        long width = micros(Instant.EPOCH.plus(w));
        long bucket = key.bucket().map(b -> micros(Instant.EPOCH.plus(b))).orElse(0L);
        int n = versions.size();
        int[] live = new int[n];
        long[] starts = new long[n];
        long[] ends = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            Version v = versions.get(i);
            long ts = micros(v.row().time());
            if (bucket > 0) {
                ts = Math.floorDiv(ts, bucket) * bucket; // in every window whose buckets hold its bucket
            }
            long start = Math.max(micros(v.from()), ts);
            long end = ts + width;
            if (v.until() != null) {
                end = Math.min(end, micros(v.until()));
            }
            if (start < end) {
                live[count] = i;
                starts[count] = start;
                ends[count] = end;
                count++;
            }
        }
        int[] adds = Arrays.copyOf(live, count);
        long[] addKeys = Arrays.copyOf(starts, count);
        sortBy(adds, addKeys);
        int[] removes = Arrays.copyOf(live, count);
        long[] removeKeys = Arrays.copyOf(ends, count);
        sortBy(removes, removeKeys);

        int m = members.size();
        Item[][] items = new Item[m][];
        Window[] windows = new Window[m];
        LinkedHashSet<Item>[] active = newActiveSets(m);
        for (int k = 0; k < m; k++) {
            AggregationNode aggregation = outputs.get(members.get(k)).aggregation();
            items[k] = prepared.computeIfAbsent(aggregation, x -> prepare(x, versions, decimals));
            if (aggregation.where().isPresent() && aggregation.where().get().mayReadNow()) {
                active[k] = new LinkedHashSet<>();
            } else {
                List<Item> present = new ArrayList<>();
                for (Item item : items[k]) {
                    if (item != null) {
                        present.add(item);
                    }
                }
                windows[k] = new Window(aggregation, present);
            }
        }
        int a = 0;
        int r = 0;
        for (int x = 0; x < rows.length; x++) {
            int row = rows[x];
            long t = rowMicros[x];
            for (; a < count && addKeys[a] <= t; a++) {
                for (int k = 0; k < m; k++) {
                    Item item = items[k][adds[a]];
                    if (item == null) {
                        continue;
                    }
                    if (active[k] != null) {
                        active[k].add(item);
                    } else {
                        windows[k].add(item);
                    }
                }
            }
            for (; r < count && removeKeys[r] <= t; r++) {
                for (int k = 0; k < m; k++) {
                    Item item = items[k][removes[r]];
                    if (item == null) {
                        continue;
                    }
                    if (active[k] != null) {
                        active[k].remove(item);
                    } else {
                        windows[k].remove(item);
                    }
                }
            }
            for (int k = 0; k < m; k++) {
                int o = members.get(k);
                try {
                    if (active[k] != null) {
                        List<RelatedRow> current = new ArrayList<>(active[k].size());
                        active[k].forEach(i -> current.add(i.version().row()));
                        out[o][row] = WindowAggregator.compute(
                                outputs.get(o).aggregation(), List.of(w), current, times[row])[0];
                    } else {
                        out[o][row] = windows[k].result();
                    }
                } catch (AggregationException e) {
                    out[o][row] = null;
                    errors.add(row, o, e.getMessage());
                }
            }
        }
    }

    /**
     * One parent's versions as items of {@code aggregation}, by version index, whatever the window: null for a version
     * its {@code where} leaves out, a failure for one that cannot be aggregated.
     */
    private static Item[] prepare(
            AggregationNode aggregation, List<Version> versions, Map<FeatureId, Map<Version, BigDecimal>> decimals) {
        boolean timeDependent =
                aggregation.where().isPresent() && aggregation.where().get().mayReadNow();
        Item[] items = new Item[versions.size()];
        for (int i = 0; i < items.length; i++) {
            Version v = versions.get(i);
            String failure = null;
            if (!timeDependent) {
                try {
                    if (!WindowAggregator.passes(aggregation, v.row(), v.from())) {
                        continue;
                    }
                } catch (AggregationException ex) {
                    failure = ex.getMessage();
                }
            }
            Object value = aggregation.of().map(v.row().values()::get).orElse(null);
            BigDecimal exact = null;
            if (failure == null
                    && summing(aggregation.function())
                    && value != null
                    && !(value instanceof Double d && d.isNaN())) {
                if (value instanceof Double d && d.isInfinite()) {
                    failure = aggregation.id() + ": an infinite value cannot be summed";
                } else {
                    // one conversion per version and aggregated feature, shared by every window and function
                    exact = decimals.computeIfAbsent(aggregation.of().get(), f -> new IdentityHashMap<>())
                            .computeIfAbsent(v, x -> AggregateState.decimal(value));
                }
            }
            items[i] = new Item(i, v, value, exact, failure);
        }
        return items;
    }

    @SuppressWarnings("unchecked")
    private static LinkedHashSet<Item>[] newActiveSets(int m) {
        return new LinkedHashSet[m];
    }

    private static boolean summing(AggregateFunction f) {
        return f == AggregateFunction.SUM || f == AggregateFunction.MEAN || f == AggregateFunction.STDDEV;
    }

    /** A value with its event time, for {@code first} and {@code last}: by time, then by value. */
    private record Timed(Instant time, Object value) {}

    /** The sliding state of one output over one parent's rows. */
    private static final class Window {
        private final AggregationNode aggregation;
        private final AggregateFunction function;
        private final AggregateState exact;
        private final TreeMap<Object, int[]> multiset;
        private final TreeMap<Integer, String> failures = new TreeMap<>();
        private final double[] ranked;
        private final long[] tree;
        private long values;

        Window(AggregationNode aggregation, List<Item> items) {
            this.aggregation = aggregation;
            this.function = aggregation.function();
            if (AggregateState.removable(function)) {
                exact = new AggregateState(function, aggregation.type(), aggregation.percentile());
                multiset = null;
                ranked = null;
                tree = null;
            } else if (function == AggregateFunction.APPROX_PERCENTILE) {
                exact = null;
                multiset = null;
                ranked = items.stream()
                        .filter(i -> counts(i.value()))
                        .mapToDouble(i -> ((Number) i.value()).doubleValue())
                        .sorted()
                        .distinct()
                        .toArray();
                tree = new long[ranked.length + 1];
            } else {
                exact = null;
                Comparator<Object> order = function == AggregateFunction.FIRST || function == AggregateFunction.LAST
                        ? Comparator.comparing((Object x) -> ((Timed) x).time())
                                .thenComparing(
                                        (x, y) -> AggregateState.compare(((Timed) x).value(), ((Timed) y).value()))
                        : AggregateState::compare;
                multiset = new TreeMap<>(order);
                ranked = null;
                tree = null;
            }
        }

        private static boolean counts(Object value) {
            return value != null && !(value instanceof Double d && d.isNaN());
        }

        void add(Item i) {
            change(i, 1);
        }

        void remove(Item i) {
            change(i, -1);
        }

        private void change(Item i, int delta) {
            if (i.failure() != null) {
                if (delta > 0) {
                    failures.put(i.id(), i.failure());
                } else {
                    failures.remove(i.id());
                }
                return;
            }
            if (exact != null) {
                if (delta > 0) {
                    exact.add(i.version().row().time(), i.value(), i.exact());
                } else {
                    exact.remove(i.version().row().time(), i.value(), i.exact());
                }
                return;
            }
            if (!counts(i.value())) {
                return;
            }
            values += delta;
            if (tree != null) {
                for (int x = Arrays.binarySearch(ranked, ((Number) i.value()).doubleValue()) + 1;
                        x < tree.length;
                        x += x & -x) {
                    tree[x] += delta;
                }
                return;
            }
            Object key = function == AggregateFunction.FIRST || function == AggregateFunction.LAST
                    ? new Timed(i.version().row().time(), i.value())
                    : i.value();
            int[] n = multiset.computeIfAbsent(key, k -> new int[1]);
            n[0] += delta;
            if (n[0] == 0) {
                multiset.remove(key);
            }
        }

        Object result() throws AggregationException {
            if (!failures.isEmpty()) {
                throw new AggregationException(failures.firstEntry().getValue(), null);
            }
            if (exact != null) {
                return exact.result();
            }
            AggregateState state = new AggregateState(function, aggregation.type(), aggregation.percentile());
            if (values == 0) {
                return state.result();
            }
            switch (function) {
                case MIN -> state.add(null, multiset.firstKey());
                case MAX -> state.add(null, multiset.lastKey());
                case FIRST, LAST -> {
                    Timed x = (Timed) (function == AggregateFunction.FIRST ? multiset.firstKey() : multiset.lastKey());
                    state.add(x.time(), x.value());
                }
                case COUNT_DISTINCT -> {
                    return (long) multiset.size();
                }
                case APPROX_COUNT_DISTINCT -> multiset.keySet().forEach(v -> state.add(null, v));
                case APPROX_PERCENTILE -> {
                    return ranked[kth(AggregateState.rank(aggregation.percentile(), values))];
                }
                default -> throw new IllegalStateException(function.toString());
            }
            return state.result();
        }

        /** The index in {@code ranked} of the k-th smallest value (k from 1) in the window. */
        private int kth(long k) {
            int pos = 0;
            int step = Integer.highestOneBit(tree.length - 1);
            for (; step > 0; step >>= 1) {
                if (pos + step < tree.length && tree[pos + step] < k) {
                    pos += step;
                    k -= tree[pos];
                }
            }
            return pos; // tree index pos + 1 holds it: ranked index pos
        }
    }
}
