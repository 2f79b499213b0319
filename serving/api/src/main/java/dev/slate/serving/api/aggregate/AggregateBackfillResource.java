package dev.slate.serving.api.aggregate;

import dev.slate.serving.api.Environments;
import dev.slate.serving.engine.materialize.AggregateBackfillService;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code POST /v1/aggregations/{feature}/backfill}: rebuilds the Redis buckets of one materialized aggregation of
 * the request's environment from the offline store (docs/specs/aggregations.md, "Backfill"). Admin only. The work
 * blocks on both stores, so it runs on a worker thread.
 */
@Path("/v1/aggregations/{feature}/backfill")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AggregateBackfillResource {

    private final Instance<AggregateBackfillService> service;
    private final ExecutorService blocking;

    AggregateBackfillResource(Instance<AggregateBackfillService> service, ExecutorService blocking) {
        this.service = service;
        this.blocking = blocking;
    }

    @POST
    @Operation(
            summary = "Rebuild the buckets of a materialized aggregation from the offline store",
            description =
                    "Replays every related row whose event time is at or after `from` from the offline store's history"
                            + " into the aggregation's Redis buckets (idempotent), then marks the buckets complete from `from`"
                            + " (from the beginning without it), so that queries answer from them instead of by pushdown.")
    public CompletionStage<BackfillResponseBody> backfill(
            @HeaderParam(Environments.HEADER) String environment,
            @PathParam("feature") String feature,
            BackfillBody body) {
        String env = Environments.fromHeader(environment);
        if (!service.isResolvable()) {
            throw new SlateException(
                    ErrorCode.CONFLICT, "this appliance has no offline store configured: nothing to backfill from");
        }
        BackfillBody request = body == null ? new BackfillBody(null, null) : body;
        Optional<Instant> from = instant("from", request.from());
        Optional<Instant> to = instant("to", request.to());
        AggregateBackfillService s = service.get();
        CompletableFuture<BackfillResponseBody> answer = new CompletableFuture<>();
        blocking.execute(() -> {
            long start = System.nanoTime();
            try {
                answer.complete(BackfillResponseBody.of(
                        s.backfill(env, feature, from, to), (System.nanoTime() - start) / 1_000_000));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e); // unwrapped, so that the problem mappers see the SlateException itself
            }
        });
        return answer;
    }

    private static Optional<Instant> instant(String field, String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.strip()));
        } catch (DateTimeParseException e) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY, field + " must be an ISO-8601 instant such as 2026-06-01T00:00:00Z", e);
        }
    }
}
