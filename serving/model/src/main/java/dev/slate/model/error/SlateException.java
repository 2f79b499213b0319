package dev.slate.model.error;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A request-level failure with a stable code. The appliance maps it to {@code application/problem+json}:
 * {@code {"type","title","status","code","detail","errors":[...]}}. Messages must be safe to show
 * (no secrets, no stack traces).
 */
public class SlateException extends RuntimeException {
    private final ErrorCode code;
    private final int status;
    private final List<Map<String, Object>> errors;

    public SlateException(ErrorCode code, String message) {
        this(code, code.httpStatus(), message, List.of());
    }

    public SlateException(ErrorCode code, String message, List<Map<String, Object>> errors) {
        this(code, code.httpStatus(), message, errors);
    }

    public SlateException(ErrorCode code, int status, String message, List<Map<String, Object>> errors) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.code = requireNonNull(code, "code is null");
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** Structured details, e.g. one entry per invalid project problem: {@code {file,line,column,code,message}}. */
    public List<Map<String, Object>> errors() {
        return errors;
    }
}
