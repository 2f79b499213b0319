package dev.slate.serving.telemetry;

/** The metadata database failed while the usage outbox was read or written; the cause is kept. */
public final class UsageOutboxException extends RuntimeException {

    public UsageOutboxException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
