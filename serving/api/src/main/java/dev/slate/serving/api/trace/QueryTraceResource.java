package dev.slate.serving.api.trace;

import dev.slate.serving.api.Environments;
import dev.slate.serving.engine.trace.StoredTrace;
import dev.slate.serving.engine.trace.TraceStore;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /v1/queries/{query_id}}: the trace of one online query of the request's environment
 * (docs/specs/query-trace.md), while the trace store keeps it. Non-blocking: an in-memory lookup.
 */
@Path("/v1/queries")
@Produces(MediaType.APPLICATION_JSON)
public class QueryTraceResource {

    private final TraceStore traces;

    QueryTraceResource(TraceStore traces) {
        this.traces = traces;
    }

    @GET
    @Path("/{query_id}")
    public QueryTraceBody trace(
            @HeaderParam(Environments.HEADER) String environmentHeader, @PathParam("query_id") String queryId) {
        String environment = Environments.fromHeader(environmentHeader);
        StoredTrace t = traces.get(queryId)
                .filter(x -> x.environment().equals(environment))
                .orElseThrow(
                        () -> new SlateException(
                                ErrorCode.NOT_FOUND,
                                "no trace of query '" + shorten(queryId) + "' in environment '" + environment
                                        + "': traces are kept for slate.traces.keep-all (10 minutes by default), older ones only when they failed, were slow or sampled"));
        return QueryTraceBody.of(t, traces.keep(queryId).orElse(TraceStore.Keep.NONE));
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
