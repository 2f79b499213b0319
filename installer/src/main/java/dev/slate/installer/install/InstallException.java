package dev.slate.installer.install;

/** A standalone install, start or stop that cannot go on; the message says what to do. */
public final class InstallException extends RuntimeException {
    public InstallException(String message) {
        super(message);
    }

    public InstallException(String message, Throwable cause) {
        super(message, cause);
    }
}
