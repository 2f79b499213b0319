package dev.slate.serving.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.Expression;
import dev.slate.serving.model.graph.ExpressionEvaluationException;
import dev.slate.serving.model.graph.Producer;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.HistoryObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The offline sweep ({@link PointInTimeAggregator}) against the online code run row by row: for every spine row, the
 * versions current at its time are handed to {@link WindowAggregator#compute} (what pushdown does with the rows a
 * source returns at T), and the two must give the same value or both fail. Random versions with corrections, values
 * that move to another parent, nulls, NaN and infinities, spine times on every edge, with no {@code where}, with one
 * that does not read {@code now} and with one that does.
 */
class PointInTimeAggregatorTest {
    static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    static final FeatureId AMOUNT = AggregationContractTest.AMOUNT;
    static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(30), Duration.ofHours(2));

    /** A where over the related row; {@code readsNow}: its text names now. */
    record Where(String text, boolean readsNow) implements Expression {
        @Override
        public List<FeatureId> dependencies() {
            return List.of(AMOUNT);
        }

        @Override
        public Object evaluate(Function<FeatureId, Object> values, Instant now) throws ExpressionEvaluationException {
            Object v = values.apply(AMOUNT);
            if (v == null) {
                throw ExpressionEvaluationException.nullInput("amount is null");
            }
            double d = ((Number) v).doubleValue();
            if (d == 13.0 || d == 13.0 / 4) {
                throw new ExpressionEvaluationException("unlucky amount", null);
            }
            return readsNow ? d > 0 || now.getEpochSecond() % 7_200 < 3_600 : d > 0;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (AggregateFunction fn : AggregateFunction.values()) {
            for (FeatureType input : List.of(FeatureType.Scalar.FLOAT, FeatureType.Scalar.INT)) {
                if (input == FeatureType.Scalar.INT
                        && (fn == AggregateFunction.MEAN
                                || fn == AggregateFunction.STDDEV
                                || fn == AggregateFunction.APPROX_PERCENTILE)) {
                    continue;
                }
                out.add(Arguments.of(fn, input, null));
                out.add(Arguments.of(fn, input, new Where("amount > 0.0", false)));
                out.add(Arguments.of(fn, input, new Where("amount > 0.0 || now.getHours() % 2 == 0", true)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} of {1}, where {2}")
    @MethodSource("cases")
    void theSweepEqualsTheOnlineCodeOverTheRowsCurrentAtEachSpineTime(
            AggregateFunction fn, FeatureType input, Where where) throws Exception {
        AggregationNode base = AggregationContractTest.node(fn, input);
        AggregationNode node = new AggregationNode(
                base.id(),
                fn,
                base.relation(),
                base.of(),
                base.time(),
                WINDOWS,
                Optional.ofNullable(where),
                Optional.empty(),
                0.9,
                base.type(),
                SourceLocation.of("slate.yaml"));
        assertThat(where == null || where.mayReadNow() == where.readsNow())
                .as("the test's where texts")
                .isTrue();
        Random r = new Random(fn.ordinal() * 31L
                + (input == FeatureType.Scalar.INT ? 7 : 0)
                + (where == null ? 0 : where.readsNow() ? 1 : 2));
        List<PointInTimeAggregator.Version> versions = new ArrayList<>();
        List<Instant> edges = new ArrayList<>();
        for (int row = 0; row < 250; row++) {
            Instant from = T0.plusSeconds(r.nextInt(6 * 3600));
            int count = 1 + r.nextInt(3);
            for (int v = 0; v < count; v++) {
                Instant until = v == count - 1 ? null : from.plusSeconds(1 + r.nextInt(3600));
                Instant ts = r.nextInt(4) == 0
                        ? from.minusSeconds(r.nextInt(7200))
                        : from; // late rows are observed after their event time
                Object value = switch (r.nextInt(12)) {
                    case 0 -> null;
                    case 1 -> input == FeatureType.Scalar.FLOAT ? Double.NaN : null;
                    case 2 ->
                        input == FeatureType.Scalar.FLOAT && r.nextInt(8) == 0
                                ? (Object) Double.POSITIVE_INFINITY
                                : (Object) 13L;
                    default -> (long) (r.nextInt(100) - 20);
                };
                if (input == FeatureType.Scalar.FLOAT && value instanceof Long l) {
                    value = l / 4.0;
                }
                Map<FeatureId, Object> values = new HashMap<>();
                values.put(AMOUNT, value);
                versions.add(
                        new PointInTimeAggregator.Version(1L + r.nextInt(2), from, until, new RelatedRow(ts, values)));
                edges.add(ts);
                edges.add(from);
                if (until != null) {
                    edges.add(until);
                }
                from = until;
            }
        }
        List<Object> parents = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Instant e = edges.get(r.nextInt(edges.size()));
            Instant t = switch (r.nextInt(5)) {
                case 0 -> e.plus(WINDOWS.get(r.nextInt(2)));
                case 1 -> e.minusNanos(1_000);
                case 2 -> e;
                default -> T0.plusSeconds(r.nextInt(9 * 3600));
            };
            parents.add(r.nextInt(10) == 0 ? null : 1L + r.nextInt(2));
            times.add(t);
        }
        List<Producer.Aggregated> outputs =
                WINDOWS.stream().map(w -> new Producer.Aggregated(node, w)).toList();
        Map<String, String> errors = new HashMap<>();
        Object[][] got = PointInTimeAggregator.compute(
                outputs,
                parents.toArray(),
                times.toArray(Instant[]::new),
                versions,
                (row, o, message) -> errors.put(row + "/" + o, message));

        int failures = 0;
        for (int row = 0; row < times.size(); row++) {
            Instant t = times.get(row);
            List<RelatedRow> current = new ArrayList<>();
            for (PointInTimeAggregator.Version v : versions) {
                if (v.parent().equals(parents.get(row))
                        && !v.from().isAfter(t)
                        && (v.until() == null || v.until().isAfter(t))) {
                    current.add(v.row());
                }
            }
            for (int o = 0; o < WINDOWS.size(); o++) {
                Object expected;
                String error = null;
                try {
                    expected = WindowAggregator.compute(node, List.of(WINDOWS.get(o)), current, t)[0];
                } catch (AggregationException e) {
                    expected = null;
                    error = e.getMessage();
                }
                String what = fn + " " + WINDOWS.get(o) + " row " + row + " at " + t;
                assertThat(errors.get(row + "/" + o) != null)
                        .as("fails: " + what + " " + errors.get(row + "/" + o))
                        .isEqualTo(error != null);
                failures += error == null ? 0 : 1;
                assertThat(got[o][row]).as(what).isEqualTo(expected);
            }
        }
        if (where != null
                || (input == FeatureType.Scalar.FLOAT
                        && (fn == AggregateFunction.SUM || fn == AggregateFunction.MEAN))) {
            assertThat(failures)
                    .as("some windows hold a row that cannot be aggregated")
                    .isPositive();
        }
    }

    @Test
    void versionsAreRebuiltFromTheHistoryWithTheLaterWriteWinningAndDeletesEndingARow() {
        FeatureId userId = new FeatureId("transaction", "user_id");
        FeatureId ts = AggregationContractTest.TS;
        RelatedHistory history = new RelatedHistory(List.of(userId, ts, AMOUNT), userId, ts);
        EntityKey a = EntityKey.of(1L);
        EntityKey b = EntityKey.of(2L);
        Instant t1 = T0;
        Instant t2 = T0.plusSeconds(60);
        Instant t3 = T0.plusSeconds(120);
        Stream.of(
                        new HistoryObservation(a, 0, 7L, t1),
                        new HistoryObservation(a, 1, t1, t1),
                        new HistoryObservation(a, 2, 1.0, t1),
                        new HistoryObservation(a, 2, 2.0, t1), // corrected at the same time: the later write wins
                        new HistoryObservation(a, 0, 8L, t2), // moved to another parent
                        new HistoryObservation(a, 1, null, t3), // deleted
                        new HistoryObservation(b, 2, 5.0, t1),
                        new HistoryObservation(b, 1, t1, t2) // no foreign key: in no window
                        )
                .forEach(history);

        List<PointInTimeAggregator.Version> versions = history.versions();
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).parent()).isEqualTo(7L);
        assertThat(versions.get(0).from()).isEqualTo(t1);
        assertThat(versions.get(0).until()).isEqualTo(t2);
        assertThat(versions.get(0).row().values().get(AMOUNT)).isEqualTo(2.0);
        assertThat(versions.get(1).parent()).isEqualTo(8L);
        assertThat(versions.get(1).from()).isEqualTo(t2);
        assertThat(versions.get(1).until()).isEqualTo(t3);
    }
}
