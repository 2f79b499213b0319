package dev.slate.engine.aggregate;

import static java.util.Objects.requireNonNull;

import dev.slate.model.graph.AggregateFunction;
import dev.slate.model.graph.AggregationNode;
import dev.slate.model.graph.Producer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

    private PointInTimeAggregator() {
    }

    /**
     * The value of every output at every spine row: {@code result[output][row]}.
     *
     * @param outputs windows of aggregations, all over the same relation and event time
     * @param parents the parent key of each spine row (the value the relation's foreign key refers to)
     * @param times the time t of each spine row
     * @param versions every version of every related row (see {@link RelatedHistory})
     */
    public static Object[][] compute(List<Producer.Aggregated> outputs, Object[] parents, Instant[] times, List<Version> versions, Errors errors) {
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
                versionsByParent.computeIfAbsent(v.parent(), p -> new ArrayList<>()).add(v);
            }
        }
        Object[][] out = new Object[outputs.size()][parents.length];
        Map<AggregationNode, Map<Version, Object>> wheres = new IdentityHashMap<>();
        for (int o = 0; o < outputs.size(); o++) {
            Producer.Aggregated output = outputs.get(o);
            Map<Version, Object> where = wheres.computeIfAbsent(output.aggregation(), a -> new IdentityHashMap<>());
            for (Map.Entry<Object, List<Integer>> e : rowsByParent.entrySet()) {
                Integer[] rows = e.getValue().toArray(Integer[]::new);
                Arrays.sort(rows, Comparator.comparing((Integer r) -> times[r]));
                sweep(output, o, rows, times, versionsByParent.getOrDefault(e.getKey(), List.of()), where, out[o], errors);
            }
            for (int r = 0; r < parents.length; r++) {
                if (parents[r] == null) {
                    out[o][r] = new AggregateState(output.aggregation().function(), output.aggregation().type(),
                            output.aggregation().percentile()).result(); // no parent: no related rows
                }
            }
        }
        return out;
    }

    /** A version in one window: in the window at the times [start, end); {@code failure} when it cannot be aggregated. */
    private record Item(long id, Instant start, Instant end, Version version, Object value, String failure) {
    }

    private static void sweep(Producer.Aggregated output, int o, Integer[] rows, Instant[] times, List<Version> versions,
            Map<Version, Object> whereCache, Object[] out, Errors errors) {
        AggregationNode aggregation = output.aggregation();
        Duration w = output.window();
        boolean timeDependent = aggregation.where().isPresent() && aggregation.where().get().mayReadNow();
        List<Item> items = new ArrayList<>();
        for (Version v : versions) {
            Instant ts = v.row().time();
            Instant start = v.from().isAfter(ts) ? v.from() : ts;
            Instant end = ts.plus(w);
            if (v.until() != null && v.until().isBefore(end)) {
                end = v.until();
            }
            if (!start.isBefore(end)) {
                continue;
            }
            String failure = null;
            if (!timeDependent) {
                Object passed = whereCache.computeIfAbsent(v, x -> {
                    try {
                        return WindowAggregator.passes(aggregation, x.row(), x.from());
                    } catch (AggregationException ex) {
                        return ex.getMessage();
                    }
                });
                if (passed instanceof String message) {
                    failure = message;
                } else if (!(Boolean) passed) {
                    continue;
                }
            }
            Object value = aggregation.of().map(v.row().values()::get).orElse(null);
            if (failure == null && value instanceof Double d && d.isInfinite() && summing(aggregation.function())) {
                failure = aggregation.id() + ": an infinite value cannot be summed";
            }
            items.add(new Item(items.size(), start, end, v, value, failure));
        }
        List<Item> adds = new ArrayList<>(items);
        adds.sort(Comparator.comparing(Item::start));
        List<Item> removes = new ArrayList<>(items);
        removes.sort(Comparator.comparing(Item::end));
        Window window = timeDependent ? null : new Window(aggregation, items);
        LinkedHashSet<Item> active = timeDependent ? new LinkedHashSet<>() : null;
        int a = 0;
        int r = 0;
        for (int row : rows) {
            Instant t = times[row];
            for (; a < adds.size() && !adds.get(a).start().isAfter(t); a++) {
                if (timeDependent) {
                    active.add(adds.get(a));
                } else {
                    window.add(adds.get(a));
                }
            }
            for (; r < removes.size() && !removes.get(r).end().isAfter(t); r++) {
                if (timeDependent) {
                    active.remove(removes.get(r));
                } else {
                    window.remove(removes.get(r));
                }
            }
            try {
                if (timeDependent) {
                    List<RelatedRow> current = new ArrayList<>(active.size());
                    active.forEach(i -> current.add(i.version().row()));
                    out[row] = WindowAggregator.compute(aggregation, List.of(w), current, t)[0];
                } else {
                    out[row] = window.result();
                }
            } catch (AggregationException e) {
                out[row] = null;
                errors.add(row, o, e.getMessage());
            }
        }
    }

    private static boolean summing(AggregateFunction f) {
        return f == AggregateFunction.SUM || f == AggregateFunction.MEAN || f == AggregateFunction.STDDEV;
    }

    /** A value with its event time, for {@code first} and {@code last}: by time, then by value. */
    private record Timed(Instant time, Object value) {
    }

    /** The sliding state of one output over one parent's rows. */
    private static final class Window {
        private final AggregationNode aggregation;
        private final AggregateFunction function;
        private final AggregateState exact;
        private final TreeMap<Object, int[]> multiset;
        private final TreeMap<Long, String> failures = new TreeMap<>();
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
                ranked = items.stream().filter(i -> counts(i.value())).mapToDouble(i -> ((Number) i.value()).doubleValue()).sorted().distinct().toArray();
                tree = new long[ranked.length + 1];
            } else {
                exact = null;
                Comparator<Object> order = function == AggregateFunction.FIRST || function == AggregateFunction.LAST
                        ? Comparator.comparing((Object x) -> ((Timed) x).time()).thenComparing((x, y) -> AggregateState.compare(((Timed) x).value(), ((Timed) y).value()))
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
                    exact.add(i.version().row().time(), i.value());
                } else {
                    exact.remove(i.version().row().time(), i.value());
                }
                return;
            }
            if (!counts(i.value())) {
                return;
            }
            values += delta;
            if (tree != null) {
                for (int x = Arrays.binarySearch(ranked, ((Number) i.value()).doubleValue()) + 1; x < tree.length; x += x & -x) {
                    tree[x] += delta;
                }
                return;
            }
            Object key = function == AggregateFunction.FIRST || function == AggregateFunction.LAST ? new Timed(i.version().row().time(), i.value()) : i.value();
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
