package dev.slate.serving.engine.aggregate;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.storage.spi.FeatureType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.HllUnion;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantilesDoublesSketchIteratorAPI;

/**
 * The partial state of one windowed aggregation: rows are added one by one, states of disjoint row sets merge,
 * and {@link #result()} gives the value. Every online mode (pushdown, materialized buckets) and offline use this
 * one class, so they cannot disagree on semantics (docs/specs/aggregations.md):
 * <ul>
 *   <li>{@code count} counts rows; every other function skips null inputs, and NaN for numbers;</li>
 *   <li>an empty window gives 0 for {@code count} and null for every other function;</li>
 *   <li>sums, means and standard deviations are computed exactly (decimal) and rounded once, so the order in
 *       which rows arrive or states merge never changes the result; {@code stddev} is the sample standard
 *       deviation (null below two values);</li>
 *   <li>{@code first}/{@code last} take the value of the oldest/newest row by event time; rows with the same
 *       time are ordered by value (smallest first);</li>
 *   <li>{@code approx_count_distinct} is an HLL sketch (lgK 12) read with its composite estimator, which depends on
 *       the set of values only, never on their order;</li>
 *   <li>{@code approx_percentile} is the smallest value whose cumulative weight reaches rank ⌈p·n⌉ of the n values.
 *       Added rows weigh 1 each, so a state built from rows answers the value at rank ⌈p·n⌉ exactly (the inclusive
 *       rule of a KLL sketch that holds every value). {@link #toBytes()} keeps a KLL sketch (k 200) instead: it holds
 *       every value up to 200 values and compacts beyond, and a state read back from it holds the sketch's retained
 *       values with their weights. Merging concatenates weighted values without compacting again, so a merge of
 *       states is deterministic and exact wherever no merged state came from a compacted sketch.</li>
 * </ul>
 * {@code count}, {@code sum}, {@code mean} and {@code stddev} states can also {@link #remove} a row, exactly (the
 * sums are decimal), for the sliding windows of offline queries.
 * Not thread-safe.
 */
public final class AggregateState {
    static final int HLL_LG_K = 12;
    static final int KLL_K = 200;
    /**
     * The format {@link #toBytes()} writes: 2 keeps the HLL and KLL sketches' own serialization; 1 (still read) kept
     * the distinct values and all values instead.
     */
    static final byte FORMAT = 2;

    static final byte FORMAT_VALUES = 1;
    private static final double[] NO_VALUES = new double[0];

    private final AggregateFunction function;
    private final FeatureType type;
    private final double percentile;
    private long count;
    private BigDecimal sum = BigDecimal.ZERO;
    private BigDecimal sumOfSquares = BigDecimal.ZERO;
    private Object extreme;
    private Instant extremeTime;
    private Set<Object> distinct;
    private HllSketch hll;
    /** {@code approx_percentile}: the values, or a KLL sketch's retained values, {@code size} of them. */
    private double[] values = NO_VALUES;
    /** Their weights when one stands for several (read from a compacted sketch); null while every weight is 1. */
    private long[] weights;

    private int size;

    public AggregateState(AggregateFunction function, FeatureType type, double percentile) {
        this.function = requireNonNull(function, "function is null");
        this.type = requireNonNull(type, "type is null");
        this.percentile = percentile;
    }

    public AggregateFunction function() {
        return function;
    }

    /** Adds one related row (already inside the window and passing {@code where}); {@code value} is the {@code of} value. */
    public void add(Instant time, Object value) {
        add(time, value, null);
    }

    /**
     * {@link #add(Instant, Object)} with {@code exact}, when not null, the value as a decimal already ({@link #decimal}),
     * for a caller that adds the same value to several states.
     */
    void add(Instant time, Object value, BigDecimal exact) {
        if (function == AggregateFunction.COUNT) {
            count++;
            return;
        }
        if (value == null || value instanceof Double d && d.isNaN()) {
            return;
        }
        count++;
        switch (function) {
            case COUNT -> throw new IllegalStateException();
            case SUM, MEAN -> sum = sum.add(exact != null ? exact : decimal(value));
            case STDDEV -> {
                BigDecimal v = exact != null ? exact : decimal(value);
                sum = sum.add(v);
                sumOfSquares = sumOfSquares.add(v.multiply(v));
            }
            case MIN -> {
                if (extreme == null || compare(value, extreme) < 0) {
                    extreme = value;
                }
            }
            case MAX -> {
                if (extreme == null || compare(value, extreme) > 0) {
                    extreme = value;
                }
            }
            case FIRST -> {
                if (extreme == null
                        || time.isBefore(extremeTime)
                        || time.equals(extremeTime) && compare(value, extreme) < 0) {
                    extreme = value;
                    extremeTime = time;
                }
            }
            case LAST -> {
                if (extreme == null
                        || time.isAfter(extremeTime)
                        || time.equals(extremeTime) && compare(value, extreme) > 0) {
                    extreme = value;
                    extremeTime = time;
                }
            }
            case COUNT_DISTINCT -> {
                if (distinct == null) {
                    distinct = new HashSet<>();
                }
                distinct.add(value);
            }
            case APPROX_COUNT_DISTINCT -> sketch(value);
            case APPROX_PERCENTILE -> weighted(((Number) value).doubleValue(), 1);
        }
    }

    /** Appends one {@code approx_percentile} value of weight {@code weight}. */
    private void weighted(double value, long weight) {
        if (size == values.length) {
            values = Arrays.copyOf(values, Math.max(16, values.length * 2));
            if (weights != null) {
                weights = Arrays.copyOf(weights, values.length);
            }
        }
        if (weight != 1 && weights == null) {
            weights = new long[values.length];
            Arrays.fill(weights, 0, size, 1);
        }
        values[size] = value;
        if (weights != null) {
            weights[size] = weight;
        }
        size++;
    }

    private void sketch(Object value) {
        if (hll == null) {
            hll = new HllSketch(HLL_LG_K);
        }
        switch (value) {
            case Long l -> hll.update(l);
            case Double d -> hll.update(d);
            default -> hll.update(value.toString());
        }
    }

    /**
     * Takes back one row added earlier with the same time and value (only {@code count}, {@code sum}, {@code mean}
     * and {@code stddev}: their state is a count and exact sums).
     *
     * @throws UnsupportedOperationException for the other functions
     */
    public void remove(Instant time, Object value) {
        remove(time, value, null);
    }

    /** {@link #remove(Instant, Object)} with the value as a decimal already, when not null. */
    void remove(Instant time, Object value, BigDecimal exact) {
        if (function == AggregateFunction.COUNT) {
            count--;
            return;
        }
        if (value == null || value instanceof Double d && d.isNaN()) {
            return;
        }
        switch (function) {
            case SUM, MEAN -> sum = sum.subtract(exact != null ? exact : decimal(value));
            case STDDEV -> {
                BigDecimal v = exact != null ? exact : decimal(value);
                sum = sum.subtract(v);
                sumOfSquares = sumOfSquares.subtract(v.multiply(v));
            }
            default -> throw new UnsupportedOperationException(function + " cannot remove a row");
        }
        count--;
    }

    /** True when {@link #remove} works for {@code function}. */
    public static boolean removable(AggregateFunction function) {
        return switch (function) {
            case COUNT, SUM, MEAN, STDDEV -> true;
            default -> false;
        };
    }

    /** Adds the rows of {@code other} (a state of the same aggregation over rows disjoint from this one's). */
    public void merge(AggregateState other) {
        if (other.function != function) {
            throw new IllegalArgumentException("cannot merge " + other.function + " into " + function);
        }
        if (other.count == 0) {
            return;
        }
        switch (function) {
            case COUNT -> {}
            case SUM, MEAN -> sum = sum.add(other.sum);
            case STDDEV -> {
                sum = sum.add(other.sum);
                sumOfSquares = sumOfSquares.add(other.sumOfSquares);
            }
            case MIN, MAX -> {
                if (extreme == null
                        || compare(other.extreme, extreme) * (function == AggregateFunction.MIN ? -1 : 1) > 0) {
                    extreme = other.extreme;
                }
            }
            case FIRST, LAST -> {
                boolean first = function == AggregateFunction.FIRST;
                if (extreme == null) {
                    extreme = other.extreme;
                    extremeTime = other.extremeTime;
                } else {
                    int byTime = other.extremeTime.compareTo(extremeTime);
                    int byValue = compare(other.extreme, extreme);
                    boolean better =
                            first ? byTime < 0 || byTime == 0 && byValue < 0 : byTime > 0 || byTime == 0 && byValue > 0;
                    if (better) {
                        extreme = other.extreme;
                        extremeTime = other.extremeTime;
                    }
                }
            }
            case COUNT_DISTINCT -> {
                if (distinct == null) {
                    distinct = new HashSet<>();
                }
                distinct.addAll(other.distinct);
            }
            case APPROX_COUNT_DISTINCT -> {
                HllUnion union = new HllUnion(HLL_LG_K);
                if (hll != null) {
                    union.update(hll);
                }
                union.update(other.hll);
                hll = union.getResult();
            }
            case APPROX_PERCENTILE -> {
                for (int i = 0; i < other.size; i++) {
                    weighted(other.values[i], other.weights == null ? 1 : other.weights[i]);
                }
            }
        }
        count += other.count;
    }

    /**
     * The state as bytes, to keep a bucket's partial aggregate (docs/specs/online-store-redis.md, section 7): a format
     * byte ({@link #FORMAT}), the count, then what the function keeps (exact decimal sums, the extreme value and its
     * time, the distinct values of {@code count_distinct}, or the serialized sketch: the compact HLL sketch of
     * {@code approx_count_distinct}, at most 2,216 bytes, and the KLL sketch (k 200) of {@code approx_percentile}, at
     * most 5,772 bytes below 2³¹ values). Building the KLL sketch compacts it beyond 200 values, which draws random
     * bits: read it back with {@link #fromBytes} before answering from it (docs/specs/aggregations.md).
     */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(count);
            if (count > 0) {
                switch (function) {
                    case COUNT -> {}
                    case SUM, MEAN -> TaggedValues.writeDecimal(out, sum);
                    case STDDEV -> {
                        TaggedValues.writeDecimal(out, sum);
                        TaggedValues.writeDecimal(out, sumOfSquares);
                    }
                    case MIN, MAX -> TaggedValues.write(out, extreme);
                    case FIRST, LAST -> {
                        TaggedValues.write(out, extreme);
                        TaggedValues.write(out, extremeTime);
                    }
                    case COUNT_DISTINCT -> {
                        out.writeInt(distinct.size());
                        for (Object v : distinct) {
                            TaggedValues.write(out, v);
                        }
                    }
                    case APPROX_COUNT_DISTINCT -> writeSketch(out, hll.toCompactByteArray());
                    case APPROX_PERCENTILE -> writeSketch(out, kll().toByteArray());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeSketch(DataOutputStream out, byte[] sketch) throws IOException {
        out.writeInt(sketch.length);
        out.write(sketch);
    }

    private static byte[] readSketch(DataInputStream in) throws IOException {
        byte[] sketch = new byte[in.readInt()];
        in.readFully(sketch);
        return sketch;
    }

    /** The values of {@code approx_percentile} in a KLL sketch of k {@link #KLL_K}, each with its weight. */
    private KllDoublesSketch kll() {
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(KLL_K);
        for (int i = 0; i < size; i++) {
            if (weights == null || weights[i] == 1) {
                sketch.update(values[i]);
            } else {
                sketch.update(values[i], weights[i]);
            }
        }
        return sketch;
    }

    /**
     * The state {@link #toBytes()} wrote, for an aggregation of {@code function}, {@code type} and {@code percentile}.
     *
     * @throws IllegalArgumentException when the bytes are not such a state
     */
    public static AggregateState fromBytes(
            AggregateFunction function, FeatureType type, double percentile, byte[] bytes) {
        AggregateState s = new AggregateState(function, type, percentile);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT && format != FORMAT_VALUES) {
                throw new IllegalArgumentException(
                        "not a partial aggregate of format " + FORMAT_VALUES + " or " + FORMAT);
            }
            s.count = in.readLong();
            if (s.count > 0) {
                switch (function) {
                    case COUNT -> {}
                    case SUM, MEAN -> s.sum = TaggedValues.readDecimal(in);
                    case STDDEV -> {
                        s.sum = TaggedValues.readDecimal(in);
                        s.sumOfSquares = TaggedValues.readDecimal(in);
                    }
                    case MIN, MAX -> s.extreme = TaggedValues.read(in);
                    case FIRST, LAST -> {
                        s.extreme = TaggedValues.read(in);
                        s.extremeTime = (Instant) TaggedValues.read(in);
                    }
                    case COUNT_DISTINCT -> {
                        int n = in.readInt();
                        s.distinct = new HashSet<>();
                        for (int i = 0; i < n; i++) {
                            s.distinct.add(TaggedValues.read(in));
                        }
                    }
                    case APPROX_COUNT_DISTINCT -> {
                        if (format == FORMAT) {
                            s.hll = HllSketch.heapify(readSketch(in));
                        } else { // format 1: the distinct values, which rebuild the same registers
                            int n = in.readInt();
                            for (int i = 0; i < n; i++) {
                                s.sketch(TaggedValues.read(in));
                            }
                        }
                    }
                    case APPROX_PERCENTILE -> {
                        if (format == FORMAT) {
                            s.readKll(readSketch(in));
                        } else { // format 1: every value
                            for (long i = 0; i < s.count; i++) {
                                s.weighted(in.readDouble(), 1);
                            }
                        }
                    }
                }
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " bytes after the state");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("a corrupt partial aggregate of " + function.spelling(), e);
        }
    }

    /** Takes the retained values of a serialized KLL sketch with their weights, which sum to the count. */
    private void readKll(byte[] bytes) {
        KllDoublesSketch sketch = KllDoublesSketch.heapify(MemorySegment.ofArray(bytes));
        if (sketch.getN() != count) {
            throw new IllegalArgumentException("a KLL sketch of " + sketch.getN() + " values for a count of " + count);
        }
        long total = 0;
        QuantilesDoublesSketchIteratorAPI it = sketch.iterator();
        while (it.next()) {
            weighted(it.getQuantile(), it.getWeight());
            total += it.getWeight();
        }
        if (total != count) {
            throw new IllegalArgumentException("KLL weights sum to " + total + ", not " + count);
        }
    }

    /** The aggregate of the rows added: 0 for an empty count, null for every other function of no value. */
    public Object result() {
        if (function == AggregateFunction.COUNT) {
            return count;
        }
        if (count == 0) {
            return null;
        }
        return switch (function) {
            case COUNT -> count;
            case SUM -> sum(type, sum);
            case MEAN -> mean(count, sum);
            case STDDEV -> stddev(count, sum, sumOfSquares);
            case MIN, MAX, FIRST, LAST -> extreme;
            case COUNT_DISTINCT -> (long) distinct.size();
            case APPROX_COUNT_DISTINCT -> Math.round(hll.getCompositeEstimate());
            case APPROX_PERCENTILE -> quantile();
        };
    }

    /**
     * The value of {@code function} from what a source computed for it ({@link AggregatePartial}, pushdown in SQL):
     * the same rules as {@link #result()}.
     *
     * @throws ArithmeticException when a sum, mean or standard deviation has an infinite value, or an int sum
     *     overflows
     */
    public static Object resultOf(AggregateFunction function, FeatureType type, AggregatePartial partial) {
        if (function == AggregateFunction.COUNT) {
            return partial.count();
        }
        if (partial.count() == 0) {
            return null;
        }
        return switch (function) {
            case COUNT -> partial.count();
            case SUM, MEAN, STDDEV -> {
                if (partial.infinities() > 0) {
                    throw new ArithmeticException("an infinite value cannot be summed");
                }
                yield switch (function) {
                    case SUM -> sum(type, partial.sum());
                    case MEAN -> mean(partial.count(), partial.sum());
                    default -> stddev(partial.count(), partial.sum(), partial.sumOfSquares());
                };
            }
            case MIN, MAX, FIRST, LAST, COUNT_DISTINCT, APPROX_PERCENTILE -> partial.value();
            case APPROX_COUNT_DISTINCT ->
                throw new IllegalArgumentException(
                        "approx_count_distinct is computed from the rows, never by a source");
        };
    }

    private static Object sum(FeatureType type, BigDecimal sum) {
        return type == FeatureType.Scalar.INT ? (Object) sum.longValueExact() : (Object) sum.doubleValue();
    }

    private static Object mean(long count, BigDecimal sum) {
        return sum.divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue();
    }

    private static Object stddev(long count, BigDecimal sum, BigDecimal sumOfSquares) {
        if (count < 2) {
            return null;
        }
        BigDecimal n = BigDecimal.valueOf(count);
        BigDecimal variance = sumOfSquares
                .subtract(sum.multiply(sum).divide(n, MathContext.DECIMAL128))
                .divide(n.subtract(BigDecimal.ONE), MathContext.DECIMAL128);
        return variance.signum() <= 0
                ? 0.0
                : variance.sqrt(MathContext.DECIMAL128).doubleValue();
    }

    /**
     * The smallest value whose cumulative weight, in ascending order, reaches rank ⌈p·n⌉ (at least 1) of the n values:
     * while every weight is 1, the value at that rank, which is what a KLL sketch answers for the inclusive rank p
     * while it holds every value. p is taken as the decimal it is written as (0.9, not the binary fraction just above
     * it), so 0.9 of 10 values is the 9th.
     */
    private double quantile() {
        long rank = rank(percentile, count);
        if (weights == null) {
            double[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return sorted[(int) rank - 1];
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        long cumulative = 0;
        for (int i : order) {
            cumulative += weights[i];
            if (cumulative >= rank) {
                return values[i];
            }
        }
        throw new IllegalStateException("weights sum to " + cumulative + ", below rank " + rank);
    }

    /** True when this {@code approx_percentile} state holds a value that stands for several (a compacted sketch's). */
    boolean compacted() {
        if (weights != null) {
            for (int i = 0; i < size; i++) {
                if (weights[i] != 1) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The rank (1..n) {@code approx_percentile} takes of n values: ⌈p·n⌉, at least 1, p read as the decimal it is written as. */
    static long rank(double percentile, long n) {
        long rank = BigDecimal.valueOf(percentile)
                .multiply(BigDecimal.valueOf(n))
                .setScale(0, RoundingMode.CEILING)
                .longValueExact();
        return Math.max(1, Math.min(n, rank));
    }

    /** How many rows (count) or non-null values (other functions) were added. */
    public long count() {
        return count;
    }

    /** The exact decimal of a number that sums, means and standard deviations add. */
    static BigDecimal decimal(Object value) {
        return switch (value) {
            case Long l -> BigDecimal.valueOf(l);
            case Integer i -> BigDecimal.valueOf(i);
            case Double d -> {
                if (d.isInfinite()) {
                    throw new ArithmeticException("an infinite value cannot be summed");
                }
                yield BigDecimal.valueOf(
                        d); // its shortest decimal, as JSON shows it and PostgreSQL's float8out writes it
            }
            case Number n -> new BigDecimal(n.toString());
            default ->
                throw new IllegalArgumentException(
                        "not a number: " + value.getClass().getSimpleName());
        };
    }

    /** The order {@code min}, {@code max}, {@code first} and {@code last} use for values of one feature. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y && a.getClass() != b.getClass()) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        return ((Comparable) a).compareTo(b);
    }
}
