package dev.slate.auth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealmTemplateTest {

    private static List<String> names(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(n -> n.path(field).asText())
                .toList();
    }

    private static JsonNode client(ObjectNode realm, String clientId) {
        return StreamSupport.stream(realm.path("clients").spliterator(), false)
                .filter(c -> clientId.equals(c.path("clientId").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no client " + clientId));
    }

    @Test
    void productionRealmHasTheRolesAndClientsAndNoPeople() {
        ObjectNode realm = RealmTemplate.load(false).json();
        assertThat(realm.path("realm").asText()).isEqualTo("slate");
        assertThat(names(realm.path("roles").path("realm"), "name"))
                .containsExactlyInAnyOrder("admin", "developer", "viewer", "service", "pii-reader");
        assertThat(names(realm.path("clients"), "clientId"))
                .containsExactlyInAnyOrder("slate-service", "slate-ui", "slate-cli");
        // the only user is the service account of slate-service
        assertThat(names(realm.path("users"), "username")).containsExactly("service-account-slate-service");
        assertThat(realm.path("users").get(0).path("realmRoles").toString()).isEqualTo("[\"service\"]");
    }

    @Test
    void serviceClientIsConfidentialWithClientCredentialsOnly() {
        JsonNode c = client(RealmTemplate.load(false).json(), "slate-service");
        assertThat(c.path("publicClient").asBoolean(true)).isFalse();
        assertThat(c.path("serviceAccountsEnabled").asBoolean()).isTrue();
        assertThat(c.path("standardFlowEnabled").asBoolean(true)).isFalse();
        assertThat(c.path("directAccessGrantsEnabled").asBoolean(true)).isFalse();
        assertThat(c.path("secret").asText()).isEqualTo("${SLATE_SERVICE_CLIENT_SECRET}");
    }

    @Test
    void uiClientIsPublicAndRequiresS256() {
        JsonNode c = client(RealmTemplate.load(false).json(), "slate-ui");
        assertThat(c.path("publicClient").asBoolean()).isTrue();
        assertThat(c.path("standardFlowEnabled").asBoolean()).isTrue();
        assertThat(c.path("implicitFlowEnabled").asBoolean(true)).isFalse();
        assertThat(c.path("directAccessGrantsEnabled").asBoolean(true)).isFalse();
        assertThat(c.path("attributes").path("pkce.code.challenge.method").asText())
                .isEqualTo("S256");
    }

    @Test
    void everyClientPutsTheApiAudienceIntoAccessTokens() {
        ObjectNode realm = RealmTemplate.load(true).json();
        for (JsonNode c : realm.path("clients")) {
            Optional<JsonNode> audience = StreamSupport.stream(
                            c.path("protocolMappers").spliterator(), false)
                    .filter(m -> "oidc-audience-mapper"
                            .equals(m.path("protocolMapper").asText()))
                    .findFirst();
            assertThat(audience).as(c.path("clientId").asText()).isPresent();
            assertThat(audience.get()
                            .path("config")
                            .path("included.custom.audience")
                            .asText())
                    .isEqualTo(RealmTemplate.AUDIENCE);
            assertThat(audience.get().path("config").path("access.token.claim").asText())
                    .isEqualTo("true");
        }
    }

    @Test
    void demoRealmAddsUsersWithCompleteProfilesAndASecondConfidentialClient() {
        ObjectNode realm = RealmTemplate.load(true).json();
        assertThat(names(realm.path("clients"), "clientId"))
                .contains("slate-service", "slate-ui", "slate-cli", "slate-reporting");
        List<JsonNode> people = new ArrayList<>();
        realm.path("users").forEach(u -> {
            if (!u.has("serviceAccountClientId")) {
                people.add(u);
            }
        });
        assertThat(names(realm.path("users"), "username"))
                .contains("alice", "dave", "vera", "priya", "service-account-slate-reporting");
        assertThat(people).hasSize(4);
        for (JsonNode u : people) {
            assertThat(u.path("email").asText()).endsWith("@example.com");
            assertThat(u.path("firstName").asText()).isNotBlank();
            assertThat(u.path("lastName").asText()).isNotBlank();
            assertThat(u.path("emailVerified").asBoolean()).isTrue();
            assertThat(u.path("credentials").get(0).path("value").asText()).isEqualTo("${SLATE_DEMO_USER_PASSWORD}");
        }
        assertThat(realm.has("_comment")).isFalse();
    }

    @Test
    void everyPlaceholderHasAValueFromTheCredentials() {
        var env = KeycloakCredentials.generate(new SecureRandom()).environment();
        for (boolean demo : new boolean[] {false, true}) {
            List<String> missing = new ArrayList<>(RealmTemplate.load(demo).placeholders());
            missing.removeAll(env.keySet());
            assertThat(missing).as("demo=" + demo).containsExactly("SLATE_UI_URL");
        }
    }

    @Test
    void theWrittenFileIsTheRealmAndHoldsNoSecretValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("import/slate-realm.json");
        RealmTemplate.load(true).writeTo(file);
        String text = Files.readString(file);
        assertThat(text).contains("\"realm\" : \"slate\"").contains("${SLATE_SERVICE_CLIENT_SECRET}");
    }
}
