package dev.slate.serving.engine.trace;

import dev.slate.serving.model.graph.FeatureGraph;

/**
 * Sends finished query traces to a tracing system (OpenTelemetry in the appliance: docs/operations.md, "Traces
 * (OpenTelemetry)"). The spans are the ones {@link QueryTrace} recorded, so the exported spans and {@code GET
 * /v1/queries/{id}} never disagree and the query path measures each step once.
 */
public interface TraceExport {

    /** Exports nothing; queries record no trace for it. */
    TraceExport NONE = new TraceExport() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public void export(StoredTrace trace, FeatureGraph graph, TraceParent parent) {}
    };

    /** Whether traces are exported at all; read once per query (queries record spans only when something keeps them). */
    boolean active();

    /**
     * Exports one finished query's trace. Called on the thread that completes the query: must be quick and must not
     * throw (a failure is the exporter's to count and log).
     *
     * @param graph the deployment's graph (resolver kinds)
     * @param parent the client's trace context, or {@link TraceParent#NONE}
     */
    void export(StoredTrace trace, FeatureGraph graph, TraceParent parent);
}
