package dev.slate.model.error;

/**
 * Stable error codes of the REST API (docs/api.md). Request errors are answered as HTTP 4xx/5xx
 * {@code application/problem+json}; field errors are listed in a 200 answer.
 */
public enum ErrorCode {
    PARSE_FAILED(400),
    INVALID_QUERY(400),
    RESOLVER_NOT_FOUND(400),
    VALIDATION_FAILED(422),
    RESOLVER_FAILED(200),
    RESOLVER_TIMED_OUT(200),
    UPSTREAM_FAILED(200),
    UNAUTHENTICATED(401),
    UNAUTHORIZED(403),
    NOT_FOUND(404),
    CONFLICT(409),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    NO_ACTIVE_DEPLOYMENT(404),
    STORE_UNAVAILABLE(503),
    INTERNAL_SERVER_ERROR(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status used when this code fails a whole request. */
    public int httpStatus() {
        return httpStatus;
    }
}
