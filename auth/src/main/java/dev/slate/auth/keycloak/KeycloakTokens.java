package dev.slate.auth.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Obtains tokens from a Keycloak realm's token endpoint: client credentials (machine clients), password
 * (public CLI client, demo users in tests) and authorization code with PKCE. Plain HTTP form posts; no
 * secret or token appears in an exception message.
 */
public final class KeycloakTokens {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI issuer;
    private final HttpClient http;

    /** {@code issuer} is the realm URL, e.g. {@code http://127.0.0.1:18080/realms/slate}. */
    public KeycloakTokens(URI issuer) {
        this.issuer = Objects.requireNonNull(issuer, "issuer is null");
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public URI issuer() {
        return issuer;
    }

    public URI tokenEndpoint() {
        return URI.create(issuer + "/protocol/openid-connect/token");
    }

    public URI authorizationEndpoint() {
        return URI.create(issuer + "/protocol/openid-connect/auth");
    }

    public URI jwksUri() {
        return URI.create(issuer + "/protocol/openid-connect/certs");
    }

    public URI discoveryUri() {
        return URI.create(issuer + "/.well-known/openid-configuration");
    }

    /** Client credentials grant of a confidential client. */
    public TokenResponse clientCredentials(String clientId, String clientSecret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return request(clientId, form);
    }

    /** Password grant through a public client (e.g. {@code slate-cli}). */
    public TokenResponse password(String clientId, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        return request(clientId, form);
    }

    /** Exchanges an authorization code of a public PKCE client. */
    public TokenResponse authorizationCode(String clientId, String code, URI redirectUri, String codeVerifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", clientId);
        form.put("code", code);
        form.put("redirect_uri", redirectUri.toString());
        form.put("code_verifier", codeVerifier);
        return request(clientId, form);
    }

    private TokenResponse request(String clientId, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint())
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new KeycloakException("token endpoint " + tokenEndpoint() + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeycloakException("interrupted", e);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() != 200) {
            throw new TokenRequestException(
                    clientId,
                    response.statusCode(),
                    json.path("error").asText("unknown_error"),
                    json.path("error_description").asText(""));
        }
        String accessToken = json.path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new KeycloakException("token endpoint answered 200 without an access_token");
        }
        String refresh = json.path("refresh_token").asText("");
        return new TokenResponse(
                accessToken,
                json.path("token_type").asText("Bearer"),
                json.path("expires_in").asLong(0),
                refresh.isEmpty() ? Optional.empty() : Optional.of(refresh),
                json.path("scope").asText(""));
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(Objects.requireNonNull(value, "form value is null"), StandardCharsets.UTF_8);
    }
}
