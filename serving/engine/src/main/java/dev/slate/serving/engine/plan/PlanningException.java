package dev.slate.serving.engine.plan;

/** The query cannot be planned (e.g. a needed key input is missing). The message is for the caller. */
public final class PlanningException extends Exception {
    public PlanningException(String message) {
        super(message, null, false, false);
    }
}
