package dev.slate.serving.engine.aggregate;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * What a source answers for one {@code AggregateQuery.Item}, from which the engine computes the value with the same
 * rules as every other mode ({@link AggregateState#resultOf}).
 *
 * @param count {@code count}: the rows; any other function: the non-null, non-NaN values
 * @param sum the exact sum of the values (each float taken as its shortest decimal), for {@code sum}, {@code mean}
 *     and {@code stddev}; zero otherwise
 * @param sumOfSquares the exact sum of the squared values, for {@code stddev}; zero otherwise
 * @param value {@code min}, {@code max}, {@code first}, {@code last}, {@code approx_percentile}: the value (canonical
 *     Java form); {@code count_distinct}: the number of distinct values as a {@link Long}; null when there is none
 * @param infinities how many of the values are infinite ({@code sum}, {@code mean}, {@code stddev}), which makes the
 *     value a per-feature error
 */
public record AggregatePartial(long count, BigDecimal sum, BigDecimal sumOfSquares, Object value, long infinities) {
    public AggregatePartial {
        requireNonNull(sum, "sum is null");
        requireNonNull(sumOfSquares, "sumOfSquares is null");
    }
}
