package dev.slate.installer.registry;

/** A registry refused or could not be reached; the message says which request and why, never a credential. */
public final class RegistryException extends RuntimeException {
    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
