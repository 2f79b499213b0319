package dev.slate.appliance.testing;

import dev.slate.auth.keycloak.KeycloakCredentials;
import dev.slate.auth.keycloak.KeycloakTokens;
import dev.slate.auth.keycloak.TokenResponse;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Access tokens of the test Keycloak ({@link KeycloakTestResource}): demo users through the password
 * grant of the public {@code slate-cli} client, machine clients through client credentials. Each token
 * is reused until 30 s before it expires. Tests that talk HTTP without RestAssured (whose requests get
 * the admin token by default, {@link DefaultTokenFilter}) use {@link #adminAuthorization()}.
 */
public final class TestTokens {

    /** Demo users of the realm overlay (slate-realm-demo.json). */
    public static final String ADMIN = "alice";

    public static final String DEVELOPER = "dave";
    public static final String VIEWER = "vera";
    public static final String PII_READER = "priya";

    private record Cached(String accessToken, long expiresAtMillis) {}

    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();

    private TestTokens() {}

    /** Whether a test Keycloak runs in this JVM (a {@code @QuarkusTest} started it). */
    public static boolean available() {
        return System.getProperty(KeycloakTestResource.ISSUER_PROPERTY) != null;
    }

    public static URI issuer() {
        String issuer = System.getProperty(KeycloakTestResource.ISSUER_PROPERTY);
        if (issuer == null) {
            throw new IllegalStateException("no test Keycloak in this JVM: only @QuarkusTest classes start one");
        }
        return URI.create(issuer);
    }

    public static KeycloakTokens endpoint() {
        return new KeycloakTokens(issuer());
    }

    public static KeycloakCredentials credentials() {
        Path data = Path.of(System.getProperty(KeycloakTestResource.DATA_PROPERTY));
        return KeycloakCredentials.load(data.resolve(KeycloakCredentials.FILE_NAME))
                .orElseThrow(() -> new IllegalStateException("no " + KeycloakCredentials.FILE_NAME + " in " + data));
    }

    /** {@code Bearer <token>} of the demo admin (alice). */
    public static String adminAuthorization() {
        return "Bearer " + user(ADMIN);
    }

    /** An access token of a demo user. */
    public static String user(String username) {
        return cached(
                "user:" + username,
                () -> endpoint().password("slate-cli", username, credentials().demoUserPassword()));
    }

    /** An access token of the {@code slate-service} client (realm role service). */
    public static String service() {
        return cached(
                "client:slate-service",
                () -> endpoint()
                        .clientCredentials("slate-service", credentials().serviceClientSecret()));
    }

    /** An access token of the {@code slate-reporting} client (realm role viewer). */
    public static String reporting() {
        return cached(
                "client:slate-reporting",
                () -> endpoint()
                        .clientCredentials("slate-reporting", credentials().reportingClientSecret()));
    }

    private static String cached(String key, Supplier<TokenResponse> fetch) {
        String scope = issuer() + " " + key; // a new Keycloak (another port) has other keys
        Cached c = CACHE.get(scope);
        if (c == null || System.currentTimeMillis() > c.expiresAtMillis() - 30_000) {
            TokenResponse t = fetch.get();
            c = new Cached(t.accessToken(), System.currentTimeMillis() + t.expiresInSeconds() * 1000);
            CACHE.put(scope, c);
        }
        return c.accessToken();
    }

    /** Like {@link #adminAuthorization()}, empty when no test Keycloak runs here. */
    static Optional<String> defaultAuthorization() {
        return available() ? Optional.of(adminAuthorization()) : Optional.empty();
    }
}
