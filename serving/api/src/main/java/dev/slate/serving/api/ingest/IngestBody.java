package dev.slate.serving.api.ingest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.engine.ingest.IngestRequest;
import java.util.List;
import java.util.Map;

/** Wire form of {@code POST /v1/ingest} (docs/specs/rest-contract.md). Unknown fields are rejected. */
@JsonIgnoreProperties(ignoreUnknown = false)
public record IngestBody(
        @JsonProperty("rows") List<Map<String, Object>> rows,
        @JsonProperty("store_online") Boolean storeOnline,
        @JsonProperty("store_offline") Boolean storeOffline) {

    IngestRequest toRequest() {
        return new IngestRequest(rows, storeOnline == null || storeOnline, storeOffline == null || storeOffline);
    }
}
