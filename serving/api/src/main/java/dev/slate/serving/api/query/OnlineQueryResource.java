package dev.slate.serving.api.query;

import dev.slate.serving.api.Environments;
import dev.slate.serving.engine.query.OnlineQueryService;
import dev.slate.serving.engine.trace.TraceParent;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /v1/query/online} and {@code /v1/query/online/bulk}. Non-blocking: runs on the event
 * loop, and the answer is streamed as JSON from the engine's {@link dev.slate.serving.engine.query.QueryAnswer}
 * ({@link OnlineQueryResponseSerializer}); its documented shape is {@link OnlineQueryResponseBody}. A caller that
 * accepts {@value OnlineQueryArrowWriter#ARROW_STREAM} gets it as an Arrow IPC stream instead
 * ({@link OnlineQueryArrowWriter}).
 */
@Path("/v1/query/online")
@Consumes(MediaType.APPLICATION_JSON)
@Produces({MediaType.APPLICATION_JSON, OnlineQueryArrowWriter.ARROW_STREAM})
public class OnlineQueryResource {

    /** W3C trace context headers: the query's OpenTelemetry span continues the caller's trace. */
    static final String TRACEPARENT = "traceparent";

    static final String TRACESTATE = "tracestate";

    private final OnlineQueryService service;

    OnlineQueryResource(OnlineQueryService service) {
        this.service = service;
    }

    @POST
    @APIResponse(
            responseCode = "200",
            description = "OK",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = OnlineQueryResponseBody.class)),
                @Content(mediaType = OnlineQueryArrowWriter.ARROW_STREAM)
            })
    public CompletionStage<OnlineQueryResponse> query(
            @HeaderParam(Environments.HEADER) String environment,
            @HeaderParam(Environments.BRANCH_HEADER) String branch,
            @HeaderParam(TRACEPARENT) String traceparent,
            @HeaderParam(TRACESTATE) String tracestate,
            OnlineQueryBody body) {
        OnlineQueryBody b = requireBody(body);
        return service.query(
                        Environments.fromHeader(environment),
                        Environments.branchFromHeader(branch),
                        b.toRequest(),
                        false,
                        TraceParent.of(traceparent, tracestate))
                .thenApply(answer ->
                        new OnlineQueryResponse(answer, false, Boolean.TRUE.equals(b.includeMeta()), b.queryName()));
    }

    @POST
    @Path("/bulk")
    @APIResponse(
            responseCode = "200",
            description = "OK",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = OnlineQueryResponseBody.class)),
                @Content(mediaType = OnlineQueryArrowWriter.ARROW_STREAM)
            })
    public CompletionStage<OnlineQueryResponse> bulk(
            @HeaderParam(Environments.HEADER) String environment,
            @HeaderParam(Environments.BRANCH_HEADER) String branch,
            @HeaderParam(TRACEPARENT) String traceparent,
            @HeaderParam(TRACESTATE) String tracestate,
            OnlineQueryBody body) {
        OnlineQueryBody b = requireBody(body);
        return service.query(
                        Environments.fromHeader(environment),
                        Environments.branchFromHeader(branch),
                        b.toRequest(),
                        true,
                        TraceParent.of(traceparent, tracestate))
                .thenApply(answer ->
                        new OnlineQueryResponse(answer, true, Boolean.TRUE.equals(b.includeMeta()), b.queryName()));
    }

    private static OnlineQueryBody requireBody(OnlineQueryBody body) {
        if (body == null) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "request body is empty; expected a JSON object with 'inputs' and 'outputs'");
        }
        return body;
    }
}
