package dev.slate.serving.model.graph;

/** An expression could not be evaluated for one input; the message is safe to show to callers. */
public final class ExpressionEvaluationException extends Exception {
    private final boolean nullInput;

    public ExpressionEvaluationException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private ExpressionEvaluationException(String message, Throwable cause, boolean nullInput) {
        super(message, cause);
        this.nullInput = nullInput;
    }

    /** The expression needed an input that is null. */
    public static ExpressionEvaluationException nullInput(String message) {
        return new ExpressionEvaluationException(message, null, true);
    }

    /** True when evaluation failed only because an input it needed is null. */
    public boolean isNullInput() {
        return nullInput;
    }
}
