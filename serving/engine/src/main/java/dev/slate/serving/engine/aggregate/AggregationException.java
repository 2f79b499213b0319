package dev.slate.serving.engine.aggregate;

/** An aggregation could not be computed (a failing {@code where}, a value that cannot be summed); safe to show. */
public final class AggregationException extends Exception {
    public AggregationException(String message, Throwable cause) {
        super(message, cause);
    }
}
