package dev.slate.appliance.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

/** RFC 9457 problem details with Slate's stable {@code code} (docs/specs/rest-contract.md#errors). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        @JsonProperty("type") String type,
        @JsonProperty("title") String title,
        @JsonProperty("status") int status,
        @JsonProperty("code") String code,
        @JsonProperty("detail") String detail,
        @JsonProperty("errors") List<Entry> errors) {

    public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

    /**
     * One entry of {@code errors}: a body field ({@code field}, {@code name}), a project problem ({@code file},
     * {@code line}, {@code column}, {@code code}) or a withheld output ({@code feature}, {@code code}); always a
     * {@code message}. Parts that do not apply are left out.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            @JsonProperty("feature") String feature,
            @JsonProperty("file") String file,
            @JsonProperty("line") Integer line,
            @JsonProperty("column") Integer column,
            @JsonProperty("field") String field,
            @JsonProperty("name") String name,
            @JsonProperty("code") String code,
            @JsonProperty("message") String message) {

        static Entry of(ErrorDetail detail) {
            return switch (detail) {
                case ErrorDetail.Field f -> new Entry(null, null, null, null, f.field(), f.name(), null, f.message());
                case ErrorDetail.InProject p ->
                    new Entry(
                            null,
                            p.file(),
                            p.line(),
                            p.column(),
                            null,
                            null,
                            p.code().name(),
                            p.message());
                case ErrorDetail.Feature w ->
                    new Entry(
                            w.feature(), null, null, null, null, null, w.code().name(), w.message());
            };
        }
    }

    /** The problem for a failed request, with the status the web layer gives its code and condition. */
    public static Problem of(SlateException e) {
        return of(e.code(), HttpStatuses.of(e.code(), e.condition()), e.getMessage(), e.errors());
    }

    public static Problem of(ErrorCode code, int status, String detail, List<ErrorDetail> errors) {
        return new Problem(
                "urn:slate:problem:" + code.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                title(code),
                status,
                code.name(),
                detail,
                errors == null || errors.isEmpty()
                        ? null
                        : errors.stream().map(Entry::of).toList());
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
            case UNKNOWN_BRANCH -> "Unknown branch";
            case STORE_UNAVAILABLE -> "A store is unavailable";
            case INTERNAL_SERVER_ERROR -> "Internal server error";
            default -> code.name(); // project problem codes never fail a request on their own
        };
    }
}
