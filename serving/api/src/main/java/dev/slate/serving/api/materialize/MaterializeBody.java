package dev.slate.serving.api.materialize;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.engine.materialize.MaterializeRequest;
import java.util.List;
import java.util.Optional;

/**
 * Wire form of {@code POST /v1/materialize}. Both fields are optional (an empty body or {@code {}} loads every
 * feature marked {@code etl_offline_to_online}, incrementally). Unknown fields are rejected.
 *
 * @param features qualified feature names to load instead of the marked ones
 * @param full read the whole offline store, not only what was added since the previous run
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record MaterializeBody(
        @JsonProperty("features") List<String> features,
        @JsonProperty("full") Boolean full) {

    MaterializeRequest toRequest() {
        return new MaterializeRequest(Optional.ofNullable(features), full != null && full);
    }
}
