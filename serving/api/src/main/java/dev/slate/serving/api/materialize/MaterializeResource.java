package dev.slate.serving.api.materialize;

import dev.slate.serving.api.Environments;
import dev.slate.serving.engine.materialize.MaterializeService;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code POST /v1/materialize}: reverse ETL for the environment of the request. Loads the latest offline value
 * of the features marked {@code etl_offline_to_online} (or of the features listed) into the online store and
 * answers once the online store has accepted them. The work blocks on the offline store, so it runs on a
 * worker thread, never on the event loop.
 */
@Path("/v1/materialize")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MaterializeResource {

    private final Instance<MaterializeService> service;
    private final ExecutorService blocking;

    MaterializeResource(Instance<MaterializeService> service, ExecutorService blocking) {
        this.service = service;
        this.blocking = blocking;
    }

    @POST
    @Operation(
            summary = "Load offline values into the online store (reverse ETL)",
            description = "For every feature marked"
                    + " etl_offline_to_online (or the features listed), the latest offline value per entity key at now, within the feature's"
                    + " max_staleness, is written to the online store; a value never replaces a newer online one. Incremental: only offline data"
                    + " added since the previous run is read, unless full is true.")
    public CompletionStage<MaterializeResponseBody> materialize(
            @HeaderParam(Environments.HEADER) String environment, MaterializeBody body) {
        String env = Environments.fromHeader(environment);
        if (!service.isResolvable()) {
            throw new SlateException(
                    ErrorCode.CONFLICT, "this appliance has no offline store configured: nothing to materialize");
        }
        MaterializeBody request = body == null ? new MaterializeBody(null, null) : body;
        if (request.features() != null && request.features().isEmpty()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "features is empty; leave it out to load every feature marked etl_offline_to_online");
        }
        MaterializeService s = service.get();
        CompletableFuture<MaterializeResponseBody> answer = new CompletableFuture<>();
        blocking.execute(() -> {
            try {
                answer.complete(MaterializeResponseBody.of(s.materialize(env, request.toRequest())));
            } catch (MaterializeService.MaterializeFailure e) {
                answer.completeExceptionally(new SlateException(
                        ErrorCode.INTERNAL_SERVER_ERROR,
                        "reverse ETL stopped: " + e.getMessage()
                                + "; nothing of this run was marked as loaded, so the next run reads it again",
                        e));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e); // unwrapped, so that the problem mappers see the SlateException itself
            }
        });
        return answer;
    }
}
