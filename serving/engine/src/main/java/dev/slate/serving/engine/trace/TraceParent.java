package dev.slate.serving.engine.trace;

/**
 * The W3C trace context a client sent with a query ({@code traceparent} and {@code tracestate} headers), unparsed:
 * the engine only carries it to the {@link TraceExport}, which makes the query's span a child of it.
 *
 * @param traceparent the header as sent, or null
 * @param tracestate the header as sent, or null
 */
public record TraceParent(String traceparent, String tracestate) {

    /** No incoming context: the query's span starts a trace of its own. */
    public static final TraceParent NONE = new TraceParent(null, null);

    public static TraceParent of(String traceparent, String tracestate) {
        return traceparent == null || traceparent.isBlank() ? NONE : new TraceParent(traceparent, tracestate);
    }
}
