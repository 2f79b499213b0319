package dev.slate.serving.engine.exec;

/** A resolver failed; the message is safe to show to callers (no secrets, no stack traces). */
public final class ResolverFailure extends RuntimeException {
    public ResolverFailure(String message) {
        super(message, null, false, false);
    }
}
