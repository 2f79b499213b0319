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
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.HllUnion;

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
 *       the set of values only, never on their order; {@code approx_percentile} is the value at rank
 *       ⌈p·n⌉ of the window's n values (the inclusive rule of a KLL sketch that holds every value), so both
 *       give the same answer whatever order rows arrive in.</li>
 * </ul>
 * {@code count}, {@code sum}, {@code mean} and {@code stddev} states can also {@link #remove} a row, exactly (the
 * sums are decimal), for the sliding windows of offline queries.
 * Not thread-safe.
 */
public final class AggregateState {
    static final int HLL_LG_K = 12;
    static final int KLL_K = 200;
    private static final byte FORMAT = 1;
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
    private double[] values = NO_VALUES;

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
            case APPROX_COUNT_DISTINCT -> {
                if (distinct == null) {
                    distinct = new HashSet<>();
                }
                if (distinct.add(value)) {
                    sketch(value);
                }
            }
            case APPROX_PERCENTILE -> {
                if (count > values.length) {
                    values = Arrays.copyOf(values, Math.max(16, values.length * 2));
                }
                values[(int) count - 1] = ((Number) value).doubleValue();
            }
        }
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
                if (distinct == null) {
                    distinct = new HashSet<>();
                }
                distinct.addAll(other.distinct);
            }
            case APPROX_PERCENTILE -> {
                double[] merged = Arrays.copyOf(values, (int) (count + other.count));
                System.arraycopy(other.values, 0, merged, (int) count, (int) other.count);
                values = merged;
            }
        }
        count += other.count;
    }

    /**
     * The state as bytes, to keep a bucket's partial aggregate (docs/specs/online-store-redis.md, section 7): a format
     * byte, the count, then what the function keeps (exact decimal sums, the extreme value and its time, the distinct
     * values — also for {@code approx_count_distinct}, whose sketch they rebuild — or the values of
     * {@code approx_percentile}).
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
                    case COUNT_DISTINCT, APPROX_COUNT_DISTINCT -> {
                        // the sketch's own serialization needs datasketches-memory, which refuses JDKs after 21 at
                        // run time; the distinct values rebuild the same registers, so the same estimate
                        out.writeInt(distinct.size());
                        for (Object v : distinct) {
                            TaggedValues.write(out, v);
                        }
                    }
                    case APPROX_PERCENTILE -> {
                        for (int i = 0; i < count; i++) {
                            out.writeDouble(values[i]);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
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
            if (in.readByte() != FORMAT) {
                throw new IllegalArgumentException("not a partial aggregate of format " + FORMAT);
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
                    case COUNT_DISTINCT, APPROX_COUNT_DISTINCT -> {
                        int n = in.readInt();
                        s.distinct = new HashSet<>();
                        for (int i = 0; i < n; i++) {
                            Object v = TaggedValues.read(in);
                            s.distinct.add(v);
                            if (function == AggregateFunction.APPROX_COUNT_DISTINCT) {
                                s.sketch(v);
                            }
                        }
                    }
                    case APPROX_PERCENTILE -> {
                        s.values = new double[Math.toIntExact(s.count)];
                        for (int i = 0; i < s.count; i++) {
                            s.values[i] = in.readDouble();
                        }
                    }
                }
            }
            return s;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("a corrupt partial aggregate of " + function.spelling(), e);
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
     * The value at rank ⌈p·n⌉ (at least 1) of the n values in ascending order: what a KLL sketch answers for the
     * inclusive rank p while it holds every value. p is taken as the decimal it is written as (0.9, not the binary
     * fraction just above it), so 0.9 of 10 values is the 9th.
     */
    private double quantile() {
        double[] sorted = Arrays.copyOf(values, (int) count);
        Arrays.sort(sorted);
        return sorted[(int) rank(percentile, count) - 1];
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
