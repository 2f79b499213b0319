package dev.slate.installer.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One answer of the Slate REST API: the HTTP status, the raw body, when the body is JSON its tree, and the
 * answer's headers.
 */
public record ApiResponse(int status, String rawBody, Optional<JsonNode> json, Map<String, List<String>> headers) {
    public ApiResponse {
        requireNonNull(rawBody, "rawBody is null");
        requireNonNull(json, "json is null");
        headers = Map.copyOf(headers);
    }

    public ApiResponse(int status, String rawBody, Optional<JsonNode> json) {
        this(status, rawBody, json, Map.of());
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The first value of a header, by name in any case. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return Optional.of(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }
}
