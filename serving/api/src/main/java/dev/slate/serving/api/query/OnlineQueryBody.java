package dev.slate.serving.api.query;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.engine.query.OnlineQueryRequest;
import java.util.List;
import java.util.Map;

/** Wire form of {@code POST /v1/query/online} and {@code /bulk} (docs/specs/rest-contract.md). Unknown fields are rejected. */
@JsonIgnoreProperties(ignoreUnknown = false)
public record OnlineQueryBody(
        @JsonProperty("inputs") Map<String, Object> inputs,
        @JsonProperty("outputs") List<String> outputs,
        @JsonProperty("staleness") Map<String, String> staleness,
        @JsonProperty("now") String now,
        @JsonProperty("include_meta") Boolean includeMeta,
        @JsonProperty("explain") Boolean explain,
        @JsonProperty("query_name") String queryName,
        @JsonProperty("query_name_version") String queryNameVersion) {

    OnlineQueryRequest toRequest() {
        return new OnlineQueryRequest(
                inputs,
                outputs,
                staleness,
                now,
                includeMeta != null && includeMeta,
                explain != null && explain,
                queryName,
                queryNameVersion);
    }
}
