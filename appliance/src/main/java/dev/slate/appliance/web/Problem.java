package dev.slate.appliance.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.model.error.ErrorCode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** RFC 9457 problem details with Slate's stable {@code code}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        @JsonProperty("type") String type,
        @JsonProperty("title") String title,
        @JsonProperty("status") int status,
        @JsonProperty("code") String code,
        @JsonProperty("detail") String detail,
        @JsonProperty("errors") List<Map<String, Object>> errors) {

    public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

    public static Problem of(ErrorCode code, int status, String detail, List<Map<String, Object>> errors) {
        return new Problem("urn:slate:problem:" + code.name().toLowerCase(Locale.ROOT).replace('_', '-'), title(code), status, code.name(), detail,
                errors == null || errors.isEmpty() ? null : errors);
    }

    public Response toResponse() {
        RequestErrorCounter.count(code);
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }

    private static String title(ErrorCode code) {
        return switch (code) {
            case PARSE_FAILED -> "The request could not be parsed";
            case INVALID_QUERY -> "The query is invalid";
            case RESOLVER_NOT_FOUND -> "No such feature";
            case VALIDATION_FAILED -> "The project is invalid";
            case RESOLVER_FAILED -> "A resolver failed";
            case RESOLVER_TIMED_OUT -> "A resolver timed out";
            case UPSTREAM_FAILED -> "An upstream dependency failed";
            case UNAUTHENTICATED -> "Authentication required";
            case UNAUTHORIZED -> "Not allowed";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflict";
            case PAYLOAD_TOO_LARGE -> "Request too large";
            case UNSUPPORTED_MEDIA_TYPE -> "Unsupported media type";
            case NO_ACTIVE_DEPLOYMENT -> "No active deployment";
            case STORE_UNAVAILABLE -> "A store is unavailable";
            case INTERNAL_SERVER_ERROR -> "Internal server error";
        };
    }
}
