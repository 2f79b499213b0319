package dev.slate.serving.engine.query;

/** Bounds on one request, so that no request can take the server down. */
public record QueryLimits(int maxOutputs, int maxInputs, int maxBulkRows) {
    public static final QueryLimits DEFAULTS = new QueryLimits(1_000, 1_000, 10_000);
}
