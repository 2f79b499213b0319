package dev.slate.serving.api.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Wire form of an online query answer (docs/specs/rest-contract.md). {@code data} is a list of fields, or for bulk a list of such lists. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OnlineQueryResponseBody(
        @JsonProperty("data") List<?> data,
        @JsonProperty("errors") List<FieldErrorBody> errors,
        @JsonProperty("meta") MetaBody meta) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldBody(
            @JsonProperty("field") String field,

            @JsonProperty("value") @JsonInclude(JsonInclude.Include.ALWAYS)
            Object value,

            @JsonProperty("pkey") Object pkey,
            @JsonProperty("ts") String ts,
            @JsonProperty("meta") FieldMetaBody meta,

            @JsonProperty("error") @JsonInclude(JsonInclude.Include.ALWAYS)
            FieldErrorBody error) {}

    public record FieldMetaBody(
            @JsonProperty("resolver") String resolver,
            @JsonProperty("cache_hit") boolean cacheHit) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldErrorBody(
            @JsonProperty("code") String code,
            @JsonProperty("category") String category,
            @JsonProperty("feature") String feature,
            @JsonProperty("resolver") String resolver,
            @JsonProperty("message") String message,
            @JsonProperty("row") Integer row) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record MetaBody(
            @JsonProperty("query_id") String queryId,
            @JsonProperty("execution_duration_s") double executionDurationS,
            @JsonProperty("deployment_id") String deploymentId,
            @JsonProperty("deployment_version") int deploymentVersion,
            @JsonProperty("environment") String environment,
            @JsonProperty("plan_hash") String planHash,
            @JsonProperty("query_name") String queryName,
            @JsonProperty("explain_output") String explainOutput,
            @JsonProperty("truncated") List<TruncationBody> truncated) {}

    /**
     * A {@code has_many} listing cut at its relation's limit: it holds the {@code limit} newest related rows, and more
     * matched. {@code row} only in bulk answers.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TruncationBody(
            @JsonProperty("feature") String feature,
            @JsonProperty("row") Integer row,
            @JsonProperty("limit") int limit) {}
}
