package dev.slate.storage.offline;

/** The offline store could not do what was asked; the message names the step, never data or secrets. */
public final class OfflineStoreException extends RuntimeException {
    public OfflineStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
