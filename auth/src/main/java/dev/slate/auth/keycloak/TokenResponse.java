package dev.slate.auth.keycloak;

import java.util.Objects;
import java.util.Optional;

/** A successful token endpoint answer. {@link #toString()} shows no token. */
public record TokenResponse(
        String accessToken, String tokenType, long expiresInSeconds, Optional<String> refreshToken, String scope) {

    public TokenResponse {
        Objects.requireNonNull(accessToken, "accessToken is null");
        Objects.requireNonNull(tokenType, "tokenType is null");
        Objects.requireNonNull(refreshToken, "refreshToken is null");
        Objects.requireNonNull(scope, "scope is null");
    }

    /** The value of an {@code Authorization} header. */
    public String authorizationHeader() {
        return "Bearer " + accessToken;
    }

    @Override
    public String toString() {
        return "TokenResponse[tokenType=" + tokenType + ", expiresIn=" + expiresInSeconds + "s, scope=" + scope
                + ", refreshToken=" + (refreshToken.isPresent() ? "<present>" : "<none>") + ", accessToken=<redacted>]";
    }
}
