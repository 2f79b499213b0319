package dev.slate.appliance.offline.query;

import dev.slate.appliance.auth.AuditNote;
import dev.slate.appliance.auth.FeatureClearance;
import dev.slate.appliance.offline.OfflineConfig;
import dev.slate.serving.api.Environments;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.offline.OfflineJob;
import dev.slate.serving.offline.OfflineQueryService;
import dev.slate.serving.offline.Recompute;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /v1/query/offline}: point-in-time training sets as asynchronous jobs (docs/offline.md). Submit a
 * spine (JSON or a Parquet file), watch the job, download the dataset as Parquet or JSON, cancel. Blocking
 * work (files, DuckDB, the job records): runs on worker threads.
 *
 * <p>Restricted features (docs/security.md): a caller without the grant for a tag is refused, at submission
 * and at download, any query whose outputs are tagged or computed from a tagged feature (403
 * {@code UNAUTHORIZED} listing them), checked against the environment's active deployment.
 */
@Path(OfflineQueryResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class OfflineQueryResource {

    static final String PATH = "/v1/query/offline";
    static final String PARQUET = "application/vnd.apache.parquet";
    static final String ARROW_STREAM = "application/vnd.apache.arrow.stream";

    private final OfflineQueryService service;
    private final OfflineConfig config;
    private final ServingState state;
    private final FeatureClearance clearance;
    private final AuditNote audit;

    OfflineQueryResource(
            OfflineQueryService service,
            OfflineConfig config,
            ServingState state,
            FeatureClearance clearance,
            AuditNote audit) {
        this.service = service;
        this.config = config;
        this.state = state;
        this.clearance = clearance;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Submit an offline query (JSON spine)",
            description =
                    "Validates the spine and outputs at once (400 with every problem"
                            + " listed), then runs the point-in-time query as a job: 202 with the job id and a Location to poll.")
    @APIResponse(
            responseCode = "202",
            description = "Accepted: the job is queued",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = OfflineJobBody.class)))
    public Response submit(@HeaderParam(Environments.HEADER) String environment, OfflineQueryBody body) {
        if (body == null) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "the request body is empty; send {\"inputs\": {...}, \"input_times\": [...], \"outputs\": [...]}");
        }
        String env = Environments.fromHeader(environment);
        requireCleared(env, body.outputs());
        return accepted(service.submit(env, body.toRequest()));
    }

    @POST
    @Consumes({PARQUET, "application/x-parquet"})
    @Operation(
            summary = "Submit an offline query (Parquet spine)",
            description =
                    "The body is a Parquet file with one column per entity key,"
                            + " named by the key feature (user.id), and a timestamp column input_time; outputs and dataset_name are query parameters.")
    @APIResponse(
            responseCode = "202",
            description = "Accepted: the job is queued",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = OfflineJobBody.class)))
    public Response submitParquet(
            @HeaderParam(Environments.HEADER) String environment,
            @Parameter(description = "an output feature; repeat the parameter or separate names with commas")
                    @QueryParam("outputs")
                    List<String> outputs,
            @QueryParam("dataset_name") String datasetName,
            @Parameter(
                            description =
                                    "true (recompute every output with a resolver or an expression), false (default: read the feature log),"
                                            + " or output names to recompute; repeat the parameter or separate names with commas")
                    @QueryParam("recompute")
                    List<String> recompute,
            InputStream body) {
        String env = Environments.fromHeader(environment);
        List<String> names = split(outputs);
        requireCleared(env, names);
        return accepted(service.submitParquet(
                env,
                body,
                names,
                Recompute.fromParameter(recompute),
                Optional.ofNullable(datasetName),
                config.maxUploadBytes()));
    }

    @GET
    @Path("/{job_id}")
    @Operation(summary = "An offline query job: status, progress, result location, error")
    public OfflineJobBody status(@HeaderParam(Environments.HEADER) String environment, @PathParam("job_id") String id) {
        return OfflineJobBody.of(service.get(Environments.fromHeader(environment), id));
    }

    @DELETE
    @Path("/{job_id}")
    @Operation(
            summary = "Cancel an offline query job",
            description = "A QUEUED or RUNNING job becomes CANCELLED and its partial files are removed;"
                    + " 409 when it has already finished.")
    public OfflineJobBody cancel(@HeaderParam(Environments.HEADER) String environment, @PathParam("job_id") String id) {
        return OfflineJobBody.of(service.cancel(Environments.fromHeader(environment), id));
    }

    @GET
    @Path("/{job_id}/result")
    @Produces({PARQUET, MediaType.APPLICATION_JSON, ARROW_STREAM})
    @Operation(
            summary = "The dataset of a finished job",
            description = "format=parquet (default), json or arrow (an Arrow IPC stream with the Parquet form's"
                    + " columns; also chosen by Accept: application/vnd.apache.arrow.stream). 409 while the job is"
                    + " queued or running and when it failed (with the reason), 410 when it was cancelled.")
    public Response result(
            @HeaderParam(Environments.HEADER) String environment,
            @HeaderParam(HttpHeaders.ACCEPT) String accept,
            @PathParam("job_id") String id,
            @Parameter(description = "parquet (default), json or arrow") @QueryParam("format") String format) {
        String f = format == null || format.isBlank()
                ? accept != null && accept.contains(ARROW_STREAM) ? "arrow" : "parquet"
                : format.strip();
        if (!f.equals("parquet") && !f.equals("json") && !f.equals("arrow")) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "format must be parquet, json or arrow, got '" + (f.length() > 20 ? f.substring(0, 20) : f) + "'");
        }
        String env = Environments.fromHeader(environment);
        OfflineQueryService.JobResult result = service.result(env, id);
        requireCleared(
                env, result.job().plan().outputs().stream().map(o -> o.name()).toList());
        String name = result.job().datasetName().orElse("offline-" + id);
        if (f.equals("json")) {
            StreamingOutput stream = out -> service.writeJson(result, out);
            return Response.ok(stream, MediaType.APPLICATION_JSON_TYPE).build();
        }
        if (f.equals("arrow")) {
            StreamingOutput stream = out -> service.writeArrow(result, out);
            return Response.ok(stream, ARROW_STREAM)
                    .header("Content-Disposition", "attachment; filename=\"" + name + ".arrows\"")
                    .build();
        }
        return Response.ok(result.file().toFile(), PARQUET)
                .header("Content-Disposition", "attachment; filename=\"" + name + ".parquet\"")
                .build();
    }

    /** The restricted-tag rule against the active deployment; without one, the service answers NO_ACTIVE_DEPLOYMENT. */
    private void requireCleared(String environment, List<String> outputs) {
        state.snapshot(environment)
                .ifPresent(s -> clearance.requireCleared(s.deployment().graph(), outputs));
    }

    private Response accepted(OfflineJob job) {
        audit.target("offline job " + job.id());
        return Response.accepted(OfflineJobBody.of(job))
                .location(URI.create(PATH + "/" + job.id()))
                .build();
    }

    private static List<String> split(List<String> outputs) {
        List<String> out = new ArrayList<>();
        if (outputs != null) {
            for (String o : outputs) {
                for (String part : o.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.strip());
                    }
                }
            }
        }
        return out;
    }
}
