package dev.slate.serving.api.catalog;

import dev.slate.serving.api.Environments;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.GraphDescription;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /v1/features} (catalog) and {@code GET /v1/graph} (DAG) of the deployment that serves
 * the environment. Reads the same snapshot as online queries, so the catalog always describes what a
 * query would be answered from. Non-blocking: runs on the event loop.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Catalog", description = "What the active deployment serves")
public class CatalogResource {

    private static final String PROBLEM_JSON = "application/problem+json";

    private final ServingState state;

    CatalogResource(ServingState state) {
        this.state = state;
    }

    @GET
    @Path("/features")
    @NonBlocking
    @Operation(
            summary = "Feature catalog",
            description = "Every feature of the environment's active deployment with its type, "
                    + "producer, max staleness, cache version and tags, and the named queries it declares.")
    @APIResponse(
            responseCode = "200",
            description = "The catalog",
            content = @Content(schema = @Schema(implementation = FeatureCatalogBody.class)))
    @APIResponse(
            responseCode = "400",
            description = "INVALID_QUERY: bad environment header",
            content = @Content(mediaType = PROBLEM_JSON))
    @APIResponse(
            responseCode = "404",
            description = "NO_ACTIVE_DEPLOYMENT: nothing is deployed in the environment",
            content = @Content(mediaType = PROBLEM_JSON))
    public FeatureCatalogBody features(
            @Parameter(description = "Environment (default 'default')") @HeaderParam(Environments.HEADER)
                    String environment) {
        ActiveDeployment active = active(environment);
        FeatureGraph graph = active.graph();
        return new FeatureCatalogBody(
                active.environment(),
                active.deploymentId(),
                active.version(),
                graph.project(),
                graph.contentHash(),
                GraphDescription.catalog(graph),
                GraphDescription.namedQueries(graph));
    }

    @GET
    @Path("/graph")
    @NonBlocking
    @Operation(
            summary = "Feature graph",
            description = "The feature graph of the environment's active deployment as JSON: entities, "
                    + "feature and resolver nodes, and the edges between them. Contains no secrets or source URLs.")
    @APIResponse(
            responseCode = "200",
            description = "The graph",
            content = @Content(schema = @Schema(implementation = FeatureGraphBody.class)))
    @APIResponse(
            responseCode = "400",
            description = "INVALID_QUERY: bad environment header",
            content = @Content(mediaType = PROBLEM_JSON))
    @APIResponse(
            responseCode = "404",
            description = "NO_ACTIVE_DEPLOYMENT: nothing is deployed in the environment",
            content = @Content(mediaType = PROBLEM_JSON))
    public FeatureGraphBody graph(
            @Parameter(description = "Environment (default 'default')") @HeaderParam(Environments.HEADER)
                    String environment) {
        ActiveDeployment active = active(environment);
        Map<String, Object> graph = GraphDescription.graph(active.graph());
        return new FeatureGraphBody(
                active.environment(),
                active.deploymentId(),
                active.version(),
                active.graph().project(),
                active.graph().contentHash(),
                list(graph, "entities"),
                list(graph, "relations"),
                list(graph, "nodes"),
                list(graph, "edges"));
    }

    private ActiveDeployment active(String header) {
        String environment = Environments.fromHeader(header);
        return state.snapshot(environment)
                .map(ServingSnapshot::deployment)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.NO_ACTIVE_DEPLOYMENT,
                        "environment '" + environment
                                + "' has no active deployment; deploy a project first (POST /v1/deployments)"));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> description, String key) {
        return (List<Object>) description.get(key);
    }
}
