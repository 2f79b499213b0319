package dev.slate.installer.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.installer.CliException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The token endpoint of a Keycloak realm as the CLI uses it, through a public client ({@code slate-cli}):
 * the password grant, the device authorization grant (RFC 8628), refresh, and logout. Plain form posts
 * over {@code java.net.http}; no token, password or secret ever appears in an exception message.
 */
public final class OidcClient {

    public static final String DEFAULT_CLIENT = "slate-cli";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI issuer;
    private final String clientId;
    private final HttpClient http;
    private final Clock clock;

    public OidcClient(URI issuer, String clientId, Clock clock) {
        String text = requireNonNull(issuer, "issuer is null").toString();
        this.issuer = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.clientId = requireNonNull(clientId, "clientId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public URI issuer() {
        return issuer;
    }

    /** A device authorization in progress: show {@code verificationUri} and {@code userCode}, then {@link #awaitDevice}. */
    public record DeviceAuthorization(
            String deviceCode,
            String userCode,
            String verificationUri,
            String verificationUriComplete,
            Duration expiresIn,
            Duration interval) {
        @Override
        public String toString() {
            return "DeviceAuthorization[userCode=" + userCode + ", verificationUri=" + verificationUri + "]";
        }
    }

    public StoredToken password(String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        return token(post(endpoint("/token"), form), username);
    }

    public StoredToken refresh(StoredToken current) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", clientId);
        form.put("refresh_token", current.refreshToken());
        return token(post(endpoint("/token"), form), current.username());
    }

    public DeviceAuthorization startDevice() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("scope", "openid");
        HttpResponse<String> r = post(endpoint("/auth/device"), form);
        JsonNode json = parse(r.body());
        if (r.statusCode() != 200) {
            throw refused("device authorization", r.statusCode(), json);
        }
        return new DeviceAuthorization(
                json.path("device_code").asText(),
                json.path("user_code").asText(),
                json.path("verification_uri").asText(),
                json.path("verification_uri_complete").asText(""),
                Duration.ofSeconds(json.path("expires_in").asLong(600)),
                Duration.ofSeconds(Math.max(1, json.path("interval").asLong(5))));
    }

    /** Polls until the user approved (or denied) the device, or the code expired. */
    public StoredToken awaitDevice(DeviceAuthorization device) throws InterruptedException {
        long deadline = System.nanoTime() + device.expiresIn().toNanos();
        Duration interval = device.interval();
        while (System.nanoTime() < deadline) {
            Thread.sleep(interval.toMillis());
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
            form.put("client_id", clientId);
            form.put("device_code", device.deviceCode());
            HttpResponse<String> r = post(endpoint("/token"), form);
            if (r.statusCode() == 200) {
                return token(r, null);
            }
            JsonNode json = parse(r.body());
            switch (json.path("error").asText()) {
                case "authorization_pending" -> {}
                case "slow_down" -> interval = interval.plusSeconds(5);
                default -> throw refused("device login", r.statusCode(), json);
            }
        }
        throw new CliException(
                "the device code expired before the login was approved; run `slate login --device` again");
    }

    /** Ends the session of a refresh token at the realm (best effort). */
    public boolean logout(StoredToken token) {
        if (token.refreshToken() == null) {
            return false;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("refresh_token", token.refreshToken());
        try {
            return post(endpoint("/logout"), form).statusCode() / 100 == 2;
        } catch (CliException e) {
            return false;
        }
    }

    private StoredToken token(HttpResponse<String> r, String username) {
        JsonNode json = parse(r.body());
        if (r.statusCode() != 200) {
            throw refused("login", r.statusCode(), json);
        }
        String access = json.path("access_token").asText("");
        if (access.isEmpty()) {
            throw new CliException("the token endpoint answered without an access token");
        }
        long now = clock.instant().getEpochSecond();
        String refresh = json.path("refresh_token").asText("");
        long refreshIn = json.path("refresh_expires_in").asLong(0);
        String user = username != null
                ? username
                : AccessTokens.claim(access, "preferred_username").orElse(null);
        return new StoredToken(
                issuer.toString(),
                clientId,
                user,
                access,
                now + json.path("expires_in").asLong(60),
                refresh.isEmpty() ? null : refresh,
                refresh.isEmpty() || refreshIn <= 0 ? null : now + refreshIn);
    }

    private URI endpoint(String path) {
        return URI.create(issuer + "/protocol/openid-connect" + path);
    }

    private HttpResponse<String> post(URI uri, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("cannot reach " + issuer + " ("
                    + e.getClass().getSimpleName() + "); is Keycloak running?" + " Set --issuer or SLATE_AUTH_ISSUER");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private static CliException refused(String what, int status, JsonNode json) {
        String error = json.path("error").asText("HTTP " + status);
        String description = json.path("error_description").asText("");
        return new CliException(
                what + " refused by the realm: " + error + (description.isEmpty() ? "" : " (" + description + ")"));
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
