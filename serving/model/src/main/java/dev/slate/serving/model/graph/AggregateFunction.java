package dev.slate.serving.model.graph;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The functions of a windowed aggregation ({@code aggregate: sum}); semantics in
 * docs/specs/aggregations.md.
 */
public enum AggregateFunction {
    COUNT("count", Input.NONE),
    SUM("sum", Input.NUMBER),
    MEAN("mean", Input.NUMBER),
    MIN("min", Input.NUMBER),
    MAX("max", Input.NUMBER),
    STDDEV("stddev", Input.NUMBER),
    COUNT_DISTINCT("count_distinct", Input.ANY),
    APPROX_COUNT_DISTINCT("approx_count_distinct", Input.ANY),
    APPROX_PERCENTILE("approx_percentile", Input.NUMBER),
    FIRST("first", Input.ANY),
    LAST("last", Input.ANY);

    /** What the function needs as its {@code of} feature. */
    public enum Input {
        /** No {@code of} (count rows). */
        NONE,
        /** An int or float feature. */
        NUMBER,
        /** Any scalar feature. */
        ANY
    }

    private final String spelling;
    private final Input input;

    AggregateFunction(String spelling, Input input) {
        this.spelling = spelling;
        this.input = input;
    }

    public String spelling() {
        return spelling;
    }

    public Input input() {
        return input;
    }

    public static Optional<AggregateFunction> parse(String text) {
        return Arrays.stream(values()).filter(f -> f.spelling.equals(text)).findFirst();
    }

    public static List<String> spellings() {
        return Arrays.stream(values()).map(AggregateFunction::spelling).toList();
    }
}
