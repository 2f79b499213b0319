package dev.slate.serving.model.error;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A request-level failure with a stable {@link ErrorCode} of {@link ErrorCode.Scope#REQUEST} scope. The web layer renders
 * it as {@code application/problem+json} (docs/specs/rest-contract.md#errors) and chooses the HTTP status from the code
 * and the {@link Condition}. Messages must be safe to show (no secrets, no stack traces); the cause, when there is one,
 * is kept for the server log.
 */
public class SlateException extends RuntimeException {

    /**
     * What kind of refusal it is, where one code covers several (the code on the wire stays the same). {@link #NONE}
     * for all others.
     */
    public enum Condition {
        /** Nothing beyond the code. */
        NONE,
        /** What was asked for existed and is gone for good (e.g. the result of a cancelled job). */
        GONE,
        /** The service is busy with other work: the same request may succeed later. */
        BUSY
    }

    private final ErrorCode code;
    private final Condition condition;
    private final List<ErrorDetail> errors;

    public SlateException(ErrorCode code, String message) {
        this(code, Condition.NONE, message, List.of(), null);
    }

    public SlateException(ErrorCode code, String message, Throwable cause) {
        this(code, Condition.NONE, message, List.of(), cause);
    }

    public SlateException(ErrorCode code, String message, List<? extends ErrorDetail> errors) {
        this(code, Condition.NONE, message, errors, null);
    }

    public SlateException(ErrorCode code, Condition condition, String message) {
        this(code, condition, message, List.of(), null);
    }

    /**
     * @param errors details, e.g. one entry per invalid project problem
     * @param cause the failure behind this one, or null
     */
    public SlateException(
            ErrorCode code, Condition condition, String message, List<? extends ErrorDetail> errors, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause, false, false);
        this.code = requireNonNull(code, "code is null");
        if (code.scope() != ErrorCode.Scope.REQUEST) {
            throw new IllegalArgumentException(code + " is not a request error code");
        }
        this.condition = requireNonNull(condition, "condition is null");
        this.errors = List.copyOf(errors);
    }

    public ErrorCode code() {
        return code;
    }

    public Condition condition() {
        return condition;
    }

    /** Structured details, in the order found. */
    public List<ErrorDetail> errors() {
        return errors;
    }
}
