package dev.slate.serving.api.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.engine.ingest.IngestResult;

/** Answer of {@code POST /v1/ingest}: what was stored, once both stores accepted it. */
public record IngestResponseBody(
        @JsonProperty("environment") String environment,
        @JsonProperty("deployment_id") String deploymentId,
        @JsonProperty("rows") int rows,
        @JsonProperty("values") int values,
        @JsonProperty("online_writes") int onlineWrites,
        @JsonProperty("offline_values") int offlineValues) {

    static IngestResponseBody of(IngestResult r) {
        return new IngestResponseBody(
                r.environment(), r.deploymentId(), r.rows(), r.values(), r.onlineWrites(), r.offlineValues());
    }
}
