package dev.slate.serving.api.ingest;

import dev.slate.serving.api.Environments;
import dev.slate.serving.engine.ingest.IngestService;
import dev.slate.serving.engine.upload.Uploads;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code POST /v1/ingest}: feature values from outside (backfills, pushes, corrections) into the online
 * store, the offline store, or both. Answers once both have accepted the values.
 */
@Path("/v1/ingest")
@Produces(MediaType.APPLICATION_JSON)
public class IngestResource {

    static final String PARQUET = "application/vnd.apache.parquet";

    private final IngestService service;
    private final long maxUploadBytes;

    IngestResource(
            IngestService service,
            @ConfigProperty(name = "slate.offline.max-upload-bytes", defaultValue = "1073741824") long maxUploadBytes) {
        this.service = service;
        this.maxUploadBytes = maxUploadBytes;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Ingest feature values",
            description =
                    "Rows of qualified feature names to values, with each entity's key and an"
                            + " optional __ts__ observation time; store_online and store_offline (default true) choose the stores. A backdated value never"
                            + " replaces a newer online value. Invalid rows reject the whole request with every problem listed.")
    public CompletionStage<IngestResponseBody> ingest(
            @HeaderParam(Environments.HEADER) String environment, IngestBody body) {
        if (body == null) {
            throw new SlateException(ErrorCode.PARSE_FAILED, "the request body is empty; send {\"rows\": [...]}");
        }
        return service.ingest(Environments.fromHeader(environment), body.toRequest())
                .thenApply(IngestResponseBody::of);
    }

    @POST
    @Consumes({PARQUET, "application/x-parquet"})
    @Blocking
    @Operation(
            summary = "Ingest a Parquet file",
            description = "One column per qualified feature or key name (user.id, user.credit_score),"
                    + " optionally __ts__ (timestamp; naive is UTC). A null cell means no value for that feature in that row. The whole file is"
                    + " validated before anything is stored (400 with every problem listed); store_online and store_offline are query parameters"
                    + " (default true). At most slate.offline.max-upload-bytes bytes.")
    public IngestResponseBody ingestParquet(
            @HeaderParam(Environments.HEADER) String environment,
            @QueryParam("store_online") Boolean storeOnline,
            @QueryParam("store_offline") Boolean storeOffline,
            InputStream body) {
        String env = Environments.fromHeader(environment);
        java.nio.file.Path upload = null;
        try {
            upload = Files.createTempFile("slate-ingest-", ".parquet");
            Uploads.store(body, upload, maxUploadBytes, "the Parquet upload", "a Parquet file");
            return IngestResponseBody.of(service.ingestParquet(
                    env, upload, storeOnline == null || storeOnline, storeOffline == null || storeOffline));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the Parquet upload", e);
        } finally {
            if (upload != null) {
                try {
                    Files.deleteIfExists(upload);
                } catch (IOException e) {
                    // a leftover temp file is harmless
                }
            }
        }
    }
}
