package dev.slate.serving.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.RelationNode;
import dev.slate.serving.model.spec.RelationSpec;
import dev.slate.storage.spi.FeatureType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of every aggregation function against a brute-force oracle written independently here: the
 * window {@code (T − w, T]}, empty windows (count 0, every other function null), null and NaN inputs skipped,
 * results that do not depend on row order, and partial states that merge to the same result as one state.
 */
class AggregationContractTest {
    static final Instant T = Instant.parse("2026-06-01T12:00:00Z");
    static final FeatureId AMOUNT = new FeatureId("transaction", "amount");
    static final FeatureId TS = new FeatureId("transaction", "ts");
    static final RelationNode RELATION = new RelationNode(
            new FeatureId("user", "transactions"),
            RelationSpec.Kind.HAS_MANY,
            "transaction",
            List.of(new FeatureId("transaction", "user_id")),
            List.of(new FeatureId("user", "id")),
            1000,
            false,
            Optional.empty(),
            SourceLocation.of("slate.yaml"));

    static AggregationNode node(AggregateFunction fn, FeatureType input) {
        FeatureType type = switch (fn) {
            case COUNT, COUNT_DISTINCT, APPROX_COUNT_DISTINCT -> FeatureType.Scalar.INT;
            case MEAN, STDDEV, APPROX_PERCENTILE -> FeatureType.Scalar.FLOAT;
            default -> input;
        };
        return new AggregationNode(
                new FeatureId("user", "a"),
                fn,
                RELATION,
                fn == AggregateFunction.COUNT ? Optional.empty() : Optional.of(AMOUNT),
                TS,
                List.of(Duration.ofHours(1)),
                Optional.empty(),
                Optional.empty(),
                0.9,
                type,
                SourceLocation.of("slate.yaml"));
    }

    static Stream<Arguments> functions() {
        List<Arguments> out = new ArrayList<>();
        for (AggregateFunction fn : AggregateFunction.values()) {
            out.add(Arguments.of(fn, FeatureType.Scalar.FLOAT));
            if (fn != AggregateFunction.MEAN
                    && fn != AggregateFunction.STDDEV
                    && fn != AggregateFunction.APPROX_PERCENTILE) {
                out.add(Arguments.of(fn, FeatureType.Scalar.INT));
            }
        }
        return out.stream();
    }

    /** Rows around the window edges, with nulls and (for floats) NaN, duplicated times, times after T. */
    static List<RelatedRow> rows(FeatureType input, long seed, int n) {
        Random r = new Random(seed);
        List<RelatedRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant time = switch (r.nextInt(6)) {
                case 0 -> T;
                case 1 -> T.minus(Duration.ofHours(1));
                case 2 -> T.plusMillis(1);
                case 3 -> null;
                default -> T.minusMillis(r.nextInt(2 * 3_600_000));
            };
            Object value = switch (r.nextInt(10)) {
                case 0 -> null;
                case 1 -> input == FeatureType.Scalar.FLOAT ? Double.NaN : null;
                default ->
                    input == FeatureType.Scalar.FLOAT ? (r.nextInt(200) - 50) / 4.0 : (long) (r.nextInt(200) - 50);
            };
            rows.add(new RelatedRow(time, value == null ? Map.of() : Map.of(AMOUNT, value)));
        }
        return rows;
    }

    /** The oracle: the rows in (T − 1h, T], then the function written out directly. */
    static Object oracle(AggregateFunction fn, FeatureType input, List<RelatedRow> rows) {
        List<RelatedRow> in = rows.stream()
                .filter(x -> x.time() != null
                        && x.time().isAfter(T.minus(Duration.ofHours(1)))
                        && !x.time().isAfter(T))
                .toList();
        if (fn == AggregateFunction.COUNT) {
            return (long) in.size();
        }
        List<RelatedRow> valued = in.stream()
                .filter(x ->
                        x.values().get(AMOUNT) != null && !(x.values().get(AMOUNT) instanceof Double d && d.isNaN()))
                .toList();
        List<Object> values = valued.stream().map(x -> x.values().get(AMOUNT)).toList();
        if (values.isEmpty()) {
            return null;
        }
        BigDecimal sum = values.stream()
                .map(v -> v instanceof Long l ? BigDecimal.valueOf(l) : BigDecimal.valueOf((Double) v))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        Comparator<Object> byValue = (a, b) -> Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
        return switch (fn) {
            case COUNT -> throw new IllegalStateException();
            case SUM -> input == FeatureType.Scalar.INT ? (Object) sum.longValueExact() : (Object) sum.doubleValue();
            case MEAN ->
                sum.divide(BigDecimal.valueOf(values.size()), MathContext.DECIMAL128)
                        .doubleValue();
            case MIN -> values.stream().min(byValue).orElseThrow();
            case MAX -> values.stream().max(byValue).orElseThrow();
            case STDDEV -> {
                if (values.size() < 2) {
                    yield null;
                }
                double mean = sum.doubleValue() / values.size();
                double ss = values.stream()
                        .mapToDouble(v -> Math.pow(((Number) v).doubleValue() - mean, 2))
                        .sum();
                yield Math.sqrt(ss / (values.size() - 1));
            }
            case COUNT_DISTINCT, APPROX_COUNT_DISTINCT -> (long) new HashSet<>(values).size();
            case APPROX_PERCENTILE -> {
                List<Double> sorted = values.stream()
                        .map(v -> ((Number) v).doubleValue())
                        .sorted()
                        .toList();
                yield sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(0.9 * sorted.size()) - 1));
            }
            case FIRST ->
                valued.stream()
                        .min(Comparator.comparing(RelatedRow::time)
                                .thenComparing(x -> x.values().get(AMOUNT), byValue))
                        .orElseThrow()
                        .values()
                        .get(AMOUNT);
            case LAST ->
                valued.stream()
                        .max(Comparator.comparing(RelatedRow::time)
                                .thenComparing(x -> x.values().get(AMOUNT), byValue))
                        .orElseThrow()
                        .values()
                        .get(AMOUNT);
        };
    }

    static void assertSame(AggregateFunction fn, Object actual, Object expected) {
        if (expected == null) {
            assertThat(actual).isNull();
        } else if (fn == AggregateFunction.STDDEV) {
            assertThat((Double) actual)
                    .isCloseTo((Double) expected, within(1e-9 * Math.max(1, Math.abs((Double) expected))));
        } else if (fn == AggregateFunction.APPROX_COUNT_DISTINCT) {
            assertThat((Long) actual).isCloseTo((Long) expected, within(Math.max(2L, (Long) expected / 20)));
        } else if (fn == AggregateFunction.APPROX_PERCENTILE) {
            assertThat(actual).isInstanceOf(Double.class); // exact below the sketch's k; checked by rank below
        } else {
            assertThat(actual).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0} of {1}")
    @MethodSource("functions")
    void equalsTheOracle(AggregateFunction fn, FeatureType input) throws Exception {
        AggregationNode a = node(fn, input);
        for (long seed = 1; seed <= 20; seed++) {
            List<RelatedRow> rows = rows(input, seed, (int) (seed * 7));
            Object actual = WindowAggregator.compute(a, List.of(Duration.ofHours(1)), rows, T)[0];
            assertSame(fn, actual, oracle(fn, input, rows));
            if (fn == AggregateFunction.APPROX_PERCENTILE && actual != null) {
                // KLL holds every value below k = 200 rows: the answer is one of the window's values at rank 0.9 (± the
                // sketch's definition)
                List<Double> values = rows.stream()
                        .filter(x -> x.time() != null
                                && x.time().isAfter(T.minus(Duration.ofHours(1)))
                                && !x.time().isAfter(T))
                        .map(x -> x.values().get(AMOUNT))
                        .filter(v -> v != null && !((Double) v).isNaN())
                        .map(v -> (Double) v)
                        .sorted()
                        .toList();
                assertThat(values).contains((Double) actual);
                long below = values.stream().filter(v -> v < (Double) actual).count();
                assertThat(below).isLessThanOrEqualTo((long) Math.ceil(0.9 * values.size()));
            }
        }
    }

    @ParameterizedTest(name = "{0} of {1}")
    @MethodSource("functions")
    void anEmptyWindowIsZeroForCountAndNullOtherwise(AggregateFunction fn, FeatureType input) throws Exception {
        AggregationNode a = node(fn, input);
        List<RelatedRow> outside = List.of(
                new RelatedRow(
                        T.minus(Duration.ofHours(1)),
                        Map.of(AMOUNT, input == FeatureType.Scalar.INT ? (Object) 3L : (Object) 3.0)),
                new RelatedRow(
                        T.plusMillis(1), Map.of(AMOUNT, input == FeatureType.Scalar.INT ? (Object) 3L : (Object) 3.0)));
        Object[] none = WindowAggregator.compute(a, List.of(Duration.ofHours(1)), List.of(), T);
        Object[] edges = WindowAggregator.compute(a, List.of(Duration.ofHours(1)), outside, T);
        Object expected = fn == AggregateFunction.COUNT ? 0L : null;
        assertThat(none[0]).isEqualTo(expected);
        assertThat(edges[0]).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} of {1}")
    @MethodSource("functions")
    void partialStatesMergeToTheSameResultInAnyOrder(AggregateFunction fn, FeatureType input) throws Exception {
        if (fn == AggregateFunction.APPROX_PERCENTILE || fn == AggregateFunction.APPROX_COUNT_DISTINCT) {
            return; // sketches: merge is approximate by design (checked against the oracle's bounds above)
        }
        AggregationNode a = node(fn, input);
        List<RelatedRow> rows = rows(input, 42, 300).stream()
                .filter(x -> x.time() != null
                        && x.time().isAfter(T.minus(Duration.ofHours(1)))
                        && !x.time().isAfter(T))
                .toList();
        AggregateState whole = new AggregateState(fn, a.type(), 0.9);
        rows.forEach(x -> whole.add(x.time(), x.values().get(AMOUNT)));
        AggregateState merged = new AggregateState(fn, a.type(), 0.9);
        for (int part = 0; part < 7; part++) {
            AggregateState s = new AggregateState(fn, a.type(), 0.9);
            for (int i = rows.size() - 1 - part; i >= 0; i -= 7) { // reversed order, interleaved partitions
                s.add(rows.get(i).time(), rows.get(i).values().get(AMOUNT));
            }
            merged.merge(s);
        }
        assertThat(merged.result()).isEqualTo(whole.result());
    }
}
