package dev.slate.serving.model.graph;

import dev.slate.serving.model.FeatureId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A compiled expression. The same instance evaluates online and offline, so the two cannot disagree.
 * Thread-safe.
 */
public interface Expression {

    /** The source text, as written. */
    String text();

    /** The features the expression reads, in a stable order. */
    List<FeatureId> dependencies();

    /**
     * Evaluates with the given dependency values (canonical Java representation; may be null) and
     * query time {@code now}. Returns the value in the feature's canonical representation.
     *
     * @throws ExpressionEvaluationException when evaluation fails (e.g. index out of range, null input)
     */
    Object evaluate(Function<FeatureId, Object> values, Instant now) throws ExpressionEvaluationException;

    /**
     * False when the value cannot depend on {@code now}: the text never names it. Conservative: a text that merely
     * mentions the word (in a string, say) counts as reading it.
     */
    default boolean mayReadNow() {
        return Pattern.compile("\\bnow\\b").matcher(text()).find();
    }

    /**
     * The expression as a conjunction of feature-to-literal comparisons that a database can evaluate with the same
     * result, when it has that shape; empty otherwise ({@link RowCondition}).
     */
    default Optional<RowCondition> condition() {
        return Optional.empty();
    }
}
