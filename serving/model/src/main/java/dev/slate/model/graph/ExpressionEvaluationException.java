package dev.slate.model.graph;

/** An expression could not be evaluated for one input; the message is safe to show to callers. */
public final class ExpressionEvaluationException extends Exception {
    public ExpressionEvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
