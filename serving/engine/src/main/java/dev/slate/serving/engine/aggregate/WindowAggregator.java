package dev.slate.serving.engine.aggregate;

import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.ExpressionEvaluationException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Computes windows of one aggregation from related rows: a row at time {@code ts} is in window {@code w} at
 * query time {@code T} when {@code T − w < ts <= T} (docs/specs/aggregations.md). Used by the pushdown mode
 * online, by offline queries and by tests as the reference.
 */
public final class WindowAggregator {
    private WindowAggregator() {}

    /** True when {@code time} is in the window {@code (now − window, now]}. */
    public static boolean inWindow(Instant time, Instant now, Duration window) {
        return time != null && time.isAfter(now.minus(window)) && !time.isAfter(now);
    }

    /**
     * The value of each of {@code windows} of {@code aggregation} at {@code now}.
     *
     * @throws AggregationException when the {@code where} fails on a row or a value cannot be aggregated
     */
    public static Object[] compute(
            AggregationNode aggregation, List<Duration> windows, List<RelatedRow> rows, Instant now)
            throws AggregationException {
        AggregateState[] states = new AggregateState[windows.size()];
        for (int w = 0; w < states.length; w++) {
            states[w] = new AggregateState(aggregation.function(), aggregation.type(), aggregation.percentile());
        }
        try {
            for (RelatedRow row : rows) {
                if (row.time() == null || row.time().isAfter(now)) {
                    continue;
                }
                boolean checked = false;
                for (int w = 0; w < states.length; w++) {
                    if (!inWindow(row.time(), now, windows.get(w))) {
                        continue;
                    }
                    if (!checked) {
                        if (!passes(aggregation, row, now)) {
                            break;
                        }
                        checked = true;
                    }
                    states[w].add(
                            row.time(), aggregation.of().map(row.values()::get).orElse(null));
                }
            }
            Object[] out = new Object[states.length];
            for (int w = 0; w < out.length; w++) {
                out[w] = states[w].result();
            }
            return out;
        } catch (ArithmeticException | ClassCastException | IllegalArgumentException e) {
            throw new AggregationException(aggregation.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the row passes the aggregation's {@code where} (evaluated with {@code now} = the query time). A
     * {@code where} that needs a null feature of the row does not pass it; any other failure is an error.
     */
    public static boolean passes(AggregationNode aggregation, RelatedRow row, Instant now) throws AggregationException {
        if (aggregation.where().isEmpty()) {
            return true;
        }
        try {
            return Boolean.TRUE.equals(aggregation.where().get().evaluate(row.values()::get, now));
        } catch (ExpressionEvaluationException e) {
            if (e.isNullInput()) {
                return false;
            }
            throw new AggregationException(
                    "where of " + aggregation.id() + " failed on a related row: " + e.getMessage(), e);
        }
    }
}
