package dev.slate.appliance.offline.query;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.offline.OfflineQueryRequest;
import dev.slate.serving.offline.Recompute;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Wire form of {@code POST /v1/query/offline} with a JSON spine (docs/specs/rest-contract.md). Unknown fields are rejected. */
@JsonIgnoreProperties(ignoreUnknown = false)
public record OfflineQueryBody(
        @Schema(
                description = "the spine's entity keys: one list per key feature, all as long as input_times",
                example = "{\"user.id\": [1, 2, 2]}")
        @JsonProperty("inputs")
        Map<String, Object> inputs,

        @Schema(
                description =
                        "one point in time per spine row, ISO-8601; offsets and zones are converted to UTC, local times are UTC")
        @JsonProperty("input_times")
        List<Object> inputTimes,

        @Schema(description = "qualified feature names; one result column each") @JsonProperty("outputs")
        List<String> outputs,

        @Schema(
                description =
                        "false (default): read every output point-in-time from the feature log; true: recompute every output that has"
                                + " a resolver or an expression by re-running it for each spine row at its input time; or a list of output names to recompute"
                                + " (the others are read from the log)")
        @JsonProperty("recompute")
        Object recompute, // a JSON value (boolean or list), read by Recompute.fromJson

        @Schema(
                description =
                        "a name for the dataset (letters, digits, '_', '.', '-'), used for the download file name")
        @JsonProperty("dataset_name")
        String datasetName) {

    OfflineQueryRequest toRequest() {
        return new OfflineQueryRequest(
                inputs, inputTimes, outputs, Recompute.fromJson(recompute), Optional.ofNullable(datasetName));
    }
}
