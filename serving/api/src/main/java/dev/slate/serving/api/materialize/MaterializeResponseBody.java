package dev.slate.serving.api.materialize;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.engine.materialize.MaterializeResult;
import java.util.List;

/** Answer of {@code POST /v1/materialize}: what was loaded into the online store, once it accepted it. */
public record MaterializeResponseBody(
        @JsonProperty("environment") String environment,
        @JsonProperty("deployment_id") String deploymentId,
        @JsonProperty("as_of") String asOf,
        @JsonProperty("values") long values,
        @JsonProperty("features") List<Feature> features,
        @JsonProperty("took_ms") long tookMs) {

    /** One feature: its version, whether only new offline data was read, and how many values were written. */
    public record Feature(
            @JsonProperty("feature") String feature,
            @JsonProperty("version") String version,
            @JsonProperty("incremental") boolean incremental,
            @JsonProperty("values") long values) {}

    static MaterializeResponseBody of(MaterializeResult r) {
        return new MaterializeResponseBody(
                r.environment(),
                r.deploymentId(),
                r.asOf().toString(),
                r.values(),
                r.features().stream()
                        .map(f -> new Feature(f.feature(), f.version(), f.incremental(), f.values()))
                        .toList(),
                r.took().toMillis());
    }
}
