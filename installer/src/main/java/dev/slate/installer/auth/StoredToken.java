package dev.slate.installer.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;

/**
 * What {@code slate login} keeps in {@code ~/.slate/token} (mode 0600): the realm it logged in to, the
 * public client it used, and the tokens with their expiry. {@link #toString()} shows no token.
 *
 * @param expiresAt when the access token expires, in seconds since the epoch
 * @param refreshToken null when the realm issued none
 * @param refreshExpiresAt when the refresh token expires (seconds since the epoch); null when it does not or there is none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredToken(
        @JsonProperty("issuer") String issuer,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("username") String username,
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("expires_at") long expiresAt,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("refresh_expires_at") Long refreshExpiresAt) {

    /** A token this close to its expiry is refreshed before use. */
    static final Duration MARGIN = Duration.ofSeconds(30);

    public StoredToken {
        requireNonNull(issuer, "issuer is null");
        requireNonNull(clientId, "clientId is null");
        requireNonNull(accessToken, "accessToken is null");
    }

    @JsonIgnore
    public boolean accessTokenUsable(Instant now) {
        return now.plus(MARGIN).isBefore(Instant.ofEpochSecond(expiresAt));
    }

    @JsonIgnore
    public boolean refreshable(Instant now) {
        return refreshToken != null
                && (refreshExpiresAt == null || now.plus(MARGIN).isBefore(Instant.ofEpochSecond(refreshExpiresAt)));
    }

    @Override
    public String toString() {
        return "StoredToken[issuer=" + issuer + ", client=" + clientId + ", user=" + username + ", expiresAt="
                + Instant.ofEpochSecond(expiresAt) + ", accessToken=<redacted>, refreshToken="
                + (refreshToken == null ? "<none>" : "<redacted>") + "]";
    }
}
