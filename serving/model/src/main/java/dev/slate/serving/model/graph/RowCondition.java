package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.storage.spi.FeatureType;
import java.util.List;

/**
 * An expression that is a conjunction of comparisons between a feature of the row and a literal of the
 * feature's own type ({@code amount > 0.0 && currency == "EUR"}), in a form a database can run. An
 * aggregation's {@code where} of this shape is pushed into the pushdown statement (docs/specs/aggregations.md,
 * "Online: pushdown"); any other {@code where} is evaluated by Slate.
 *
 * <p>A comparison with a null feature makes the conjunction not hold, as in CEL, where such a {@code where} needs a
 * null input and the row does not pass.
 */
public record RowCondition(List<Comparison> comparisons) {
    public RowCondition {
        comparisons = List.copyOf(comparisons);
        if (comparisons.isEmpty()) {
            throw new IllegalArgumentException("a row condition has at least one comparison");
        }
    }

    /** How a feature is compared with a literal. */
    public enum Operator {
        LESS("<"),
        LESS_OR_EQUAL("<="),
        GREATER(">"),
        GREATER_OR_EQUAL(">="),
        EQUAL("="),
        NOT_EQUAL("<>");

        private final String sql;

        Operator(String sql) {
            this.sql = sql;
        }

        /** The SQL spelling of the operator. */
        public String sql() {
            return sql;
        }

        /** The operator with its operands swapped: {@code 0 < x} is {@code x > 0}. */
        public Operator mirrored() {
            return switch (this) {
                case LESS -> GREATER;
                case LESS_OR_EQUAL -> GREATER_OR_EQUAL;
                case GREATER -> LESS;
                case GREATER_OR_EQUAL -> LESS_OR_EQUAL;
                case EQUAL, NOT_EQUAL -> this;
            };
        }
    }

    /**
     * {@code feature operator literal}; the literal is a {@link Long}, {@link Double}, {@link String} or
     * {@link Boolean} of the feature's {@code type}.
     */
    public record Comparison(FeatureId feature, FeatureType type, Operator operator, Object literal) {
        public Comparison {
            requireNonNull(feature, "feature is null");
            requireNonNull(type, "type is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(literal, "literal is null");
        }
    }
}
