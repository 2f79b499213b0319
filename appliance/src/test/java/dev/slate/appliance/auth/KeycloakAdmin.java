package dev.slate.appliance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.appliance.testing.TestTokens;
import dev.slate.auth.keycloak.KeycloakTokens;
import dev.slate.auth.keycloak.TokenResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * The test Keycloak's admin REST API (as the bootstrap admin of the master realm): creates the clients
 * and users a test needs, so tests never depend on, or change, the state of the shared demo realm.
 */
final class KeycloakAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String token;

    KeycloakAdmin() {
        URI issuer = TestTokens.issuer();
        this.base = URI.create(issuer.toString().replaceFirst("/realms/slate$", ""));
        this.token = masterToken().accessToken();
    }

    /** A token of the master realm's admin-cli (issuer .../realms/master, no slate-api audience). */
    static TokenResponse masterToken() {
        URI issuer = TestTokens.issuer();
        URI master = URI.create(issuer.toString().replaceFirst("/realms/slate$", "/realms/master"));
        var c = TestTokens.credentials();
        return new KeycloakTokens(master).password("admin-cli", c.adminUsername(), c.adminPassword());
    }

    /**
     * A confidential client of realm slate with a service account holding {@code realmRole}.
     *
     * @param audience whether its tokens carry {@code aud: slate-api}
     * @param lifespanSeconds access token lifespan, or 0 for the realm's
     * @return client id and secret
     */
    Client createServiceClient(String prefix, String realmRole, boolean audience, int lifespanSeconds) {
        String clientId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = UUID.randomUUID().toString();
        ObjectNode client = JSON.createObjectNode()
                .put("clientId", clientId)
                .put("enabled", true)
                .put("protocol", "openid-connect")
                .put("publicClient", false)
                .put("clientAuthenticatorType", "client-secret")
                .put("secret", secret)
                .put("serviceAccountsEnabled", true)
                .put("standardFlowEnabled", false)
                .put("directAccessGrantsEnabled", false)
                .put("fullScopeAllowed", true);
        ObjectNode attributes = client.putObject("attributes");
        attributes.put("use.refresh.tokens", "false");
        if (lifespanSeconds > 0) {
            attributes.put("access.token.lifespan", Integer.toString(lifespanSeconds));
        }
        if (audience) {
            ArrayNode mappers = client.putArray("protocolMappers");
            ObjectNode m = mappers.addObject()
                    .put("name", "slate-api-audience")
                    .put("protocol", "openid-connect")
                    .put("protocolMapper", "oidc-audience-mapper");
            m.putObject("config")
                    .put("included.custom.audience", "slate-api")
                    .put("access.token.claim", "true")
                    .put("id.token.claim", "false");
        }
        HttpResponse<String> created = send("POST", "/admin/realms/slate/clients", client.toString());
        assertThat(created.statusCode()).as("create client: %s", created.body()).isEqualTo(201);
        String id = idFromLocation(created);
        JsonNode account = json(send("GET", "/admin/realms/slate/clients/" + id + "/service-account-user", null));
        grantRealmRole(account.path("id").asText(), realmRole);
        return new Client(id, clientId, secret);
    }

    /** A user of realm slate with no realm role (what it may do comes from bindings only). */
    String createUser(String prefix, String password) {
        String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode user = JSON.createObjectNode()
                .put("username", username)
                .put("enabled", true)
                .put("email", username + "@example.com")
                .put("firstName", "Test")
                .put("lastName", "User")
                .put("emailVerified", true);
        user.putArray("credentials")
                .addObject()
                .put("type", "password")
                .put("value", password)
                .put("temporary", false);
        HttpResponse<String> created = send("POST", "/admin/realms/slate/users", user.toString());
        assertThat(created.statusCode()).as("create user: %s", created.body()).isEqualTo(201);
        return username;
    }

    /** Disables a client: Keycloak refuses it new tokens from now on. */
    void disableClient(Client client) {
        JsonNode rep = json(send("GET", "/admin/realms/slate/clients/" + client.id(), null));
        ((ObjectNode) rep).put("enabled", false);
        HttpResponse<String> r = send("PUT", "/admin/realms/slate/clients/" + client.id(), rep.toString());
        assertThat(r.statusCode()).as("disable client: %s", r.body()).isEqualTo(204);
    }

    void deleteClient(Client client) {
        send("DELETE", "/admin/realms/slate/clients/" + client.id(), null);
    }

    record Client(String id, String clientId, String secret) {
        TokenResponse token() {
            return TestTokens.endpoint().clientCredentials(clientId, secret);
        }
    }

    private void grantRealmRole(String userId, String role) {
        JsonNode rep = json(send("GET", "/admin/realms/slate/roles/" + role, null));
        ArrayNode list = JSON.createArrayNode().add(rep);
        HttpResponse<String> r =
                send("POST", "/admin/realms/slate/users/" + userId + "/role-mappings/realm", list.toString());
        assertThat(r.statusCode()).as("grant role: %s", r.body()).isEqualTo(204);
    }

    private static String idFromLocation(HttpResponse<String> created) {
        String location = created.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static JsonNode json(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("Keycloak admin API: %s", r.body()).isEqualTo(200);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak admin API " + method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
