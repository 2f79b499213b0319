package dev.slate.installer.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * One answer of the Slate REST API: the HTTP status, the raw body and, when the body is JSON, its tree.
 */
public record ApiResponse(int status, String rawBody, Optional<JsonNode> json) {
    public ApiResponse {
        requireNonNull(rawBody, "rawBody is null");
        requireNonNull(json, "json is null");
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
