package dev.slate.api.ingest;

import dev.slate.api.Environments;
import dev.slate.engine.ingest.IngestService;
import dev.slate.model.error.ErrorCode;
import dev.slate.model.error.SlateException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code POST /v1/ingest}: feature values from outside (backfills, pushes, corrections) into the online
 * store, the offline store, or both. Answers once both have accepted the values.
 */
@Path("/v1/ingest")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class IngestResource {

    private final IngestService service;

    IngestResource(IngestService service) {
        this.service = service;
    }

    @POST
    @Operation(summary = "Ingest feature values", description = "Rows of qualified feature names to values, with each entity's key and an"
            + " optional __ts__ observation time; store_online and store_offline (default true) choose the stores. A backdated value never"
            + " replaces a newer online value. Invalid rows reject the whole request with every problem listed.")
    public CompletionStage<IngestResponseBody> ingest(@HeaderParam(Environments.HEADER) String environment, IngestBody body) {
        if (body == null) {
            throw new SlateException(ErrorCode.PARSE_FAILED, "the request body is empty; send {\"rows\": [...]}");
        }
        return service.ingest(Environments.fromHeader(environment), body.toRequest()).thenApply(IngestResponseBody::of);
    }
}
