package dev.slate.auth.keycloak;

/**
 * The token endpoint refused a request: {@code status} is the HTTP status, {@code error} the OAuth error
 * code ({@code invalid_client}, {@code invalid_grant}, {@code unauthorized_client}, ...).
 */
public final class TokenRequestException extends KeycloakException {
    private final int status;
    private final String error;

    public TokenRequestException(String clientId, int status, String error, String description) {
        super("token request for client '" + clientId + "' refused: HTTP " + status + " " + error
                + (description.isEmpty() ? "" : " (" + description + ")"));
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
