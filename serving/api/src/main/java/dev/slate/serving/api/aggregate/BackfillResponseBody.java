package dev.slate.serving.api.aggregate;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.engine.materialize.AggregateBackfillService;

/** The answer of {@code POST /v1/aggregations/{feature}/backfill}. */
public record BackfillResponseBody(
        @JsonProperty("environment") String environment,
        @JsonProperty("aggregation") String aggregation,
        @JsonProperty("bucket") String bucket,
        @JsonProperty("rows") long rows,
        @JsonProperty("observations") long observations,
        @JsonProperty("covered_from") String coveredFrom,
        @JsonProperty("to") String to,
        @JsonProperty("took_ms") long tookMs) {

    static BackfillResponseBody of(AggregateBackfillService.Result r, long tookMs) {
        return new BackfillResponseBody(
                r.environment(),
                r.aggregation(),
                r.bucket(),
                r.rows(),
                r.observations(),
                r.from().toString(),
                r.to().toString(),
                tookMs);
    }
}
