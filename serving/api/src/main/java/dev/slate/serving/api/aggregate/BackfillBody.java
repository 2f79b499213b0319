package dev.slate.serving.api.aggregate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Wire form of {@code POST /v1/aggregations/{feature}/backfill}; both fields optional, ISO-8601 instants. Unknown
 * fields are rejected.
 *
 * @param from rebuild the related rows with event times at or after this, and mark the buckets complete from it
 * @param to read the offline store's history up to this time (default: now)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record BackfillBody(
        @JsonProperty("from") String from,
        @JsonProperty("to") String to) {}
