package dev.slate.appliance.web;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;

/**
 * The HTTP status of each request error code: the web layer's knowledge, not the model's (docs/adr/0001; the table
 * is in docs/specs/rest-contract.md#errors).
 */
public final class HttpStatuses {
    private HttpStatuses() {}

    /** The status of a request that failed with {@code code} under {@code condition}. */
    public static int of(ErrorCode code, SlateException.Condition condition) {
        return switch (condition) {
            case GONE -> 410;
            case BUSY -> 429;
            case NONE -> of(code);
        };
    }

    /** The usual status of {@code code}. */
    public static int of(ErrorCode code) {
        return switch (code) {
            case PARSE_FAILED, INVALID_QUERY, RESOLVER_NOT_FOUND -> 400;
            case UNAUTHENTICATED -> 401;
            case UNAUTHORIZED -> 403;
            case NOT_FOUND, NO_ACTIVE_DEPLOYMENT, UNKNOWN_BRANCH -> 404;
            case CONFLICT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case VALIDATION_FAILED -> 422;
            case STORE_UNAVAILABLE -> 503;
            case INTERNAL_SERVER_ERROR -> 500;
            // field errors and project problems never fail a request by themselves
            default -> throw new IllegalArgumentException(code + " is not a request error code");
        };
    }
}
