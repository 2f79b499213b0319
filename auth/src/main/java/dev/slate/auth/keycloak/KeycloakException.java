package dev.slate.auth.keycloak;

/** Keycloak could not be prepared, started, reached or stopped. Messages never contain secrets. */
public class KeycloakException extends RuntimeException {
    public KeycloakException(String message) {
        super(message);
    }

    public KeycloakException(String message, Throwable cause) {
        super(message, cause);
    }
}
