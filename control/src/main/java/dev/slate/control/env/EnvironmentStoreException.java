package dev.slate.control.env;

/** The metadata database could not do what was asked of the environments table; keeps the cause. */
public final class EnvironmentStoreException extends RuntimeException {
    public EnvironmentStoreException(String what, Throwable cause) {
        super("could not " + what + ": " + cause.getMessage(), cause);
    }
}
