package dev.slate.serving.api.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to {@code GET /v1/features}: every feature of the environment's active deployment. */
@JsonPropertyOrder({
    "environment",
    "deployment_id",
    "deployment_version",
    "project",
    "content_hash",
    "features",
    "named_queries"
})
@Schema(
        name = "FeatureCatalog",
        description = "The features of the environment's active deployment, in declaration order.")
public record FeatureCatalogBody(
        @Schema(description = "The environment (header X-Slate-Environment, default 'default').", examples = "default")
        String environment,

        @JsonProperty("deployment_id") @Schema(description = "Id of the active deployment.")
        String deploymentId,

        @JsonProperty("deployment_version")
        @Schema(description = "Version of the active deployment in its environment.")
        int deploymentVersion,

        @Schema(description = "Project name from slate.yaml.", examples = "fraud")
        String project,

        @JsonProperty("content_hash") @Schema(description = "SHA-256 (hex) of the project's files.")
        String contentHash,

        @Schema(
                description =
                        "One entry per feature: {name, entity, type, producer (key|ingested|resolver|expression), "
                                + "resolver?, expression?, inputs?, max_staleness (null = unbounded), cacheable, etl_offline_to_online, version, tags}.")
        List<Map<String, Object>> features,

        @JsonProperty("named_queries")
        @Schema(
                description = "One entry per named query (call it with query_name): {name, version, inputs, "
                        + "outputs, staleness (feature: duration), owner, tags, description}, in declaration order.")
        List<Map<String, Object>> namedQueries) {}
