package dev.slate.serving.api.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer to {@code GET /v1/graph}: the feature graph of the environment's active deployment as a
 * DAG of feature and resolver nodes. Secret references and source URLs are never included.
 */
@JsonPropertyOrder({
    "environment",
    "deployment_id",
    "deployment_version",
    "project",
    "content_hash",
    "entities",
    "relations",
    "nodes",
    "edges"
})
@Schema(name = "FeatureGraph", description = "The feature graph (DAG) of the environment's active deployment.")
public record FeatureGraphBody(
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

        @Schema(description = "Entities: {name, key, key_type, max_staleness}.")
        List<Object> entities,
        // each {name, from, to, kind, foreign_key, limit, required, rows_resolver}: docs/api.md, "GET /v1/graph"
        @Schema(description = "Relations between entities (docs/api.md).")
        List<Object> relations,

        @Schema(
                description =
                        "Nodes: features (id 'feature:ENTITY.NAME', kind 'feature', then the catalog entry) and resolvers "
                                + "(id 'resolver:NAME', kind 'resolver', name, entity, source, inputs, outputs, timeout, sql).")
        List<Object> nodes,

        @Schema(
                description =
                        "Edges {from, to}: 'to' needs 'from' (a resolver needs its parameters, fills its outputs; an expression needs its inputs).")
        List<Object> edges) {}
