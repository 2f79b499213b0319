package dev.slate.auth.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenClaimsTest {

    @Test
    void aServiceAccountTokenIsTheClient() {
        Identity id = TokenClaims.identity(Map.of(
                "sub", "d8f179a8-4932-4944-ad9b-942a8b8641bb",
                "azp", "slate-service",
                "preferred_username", "service-account-slate-service",
                "realm_access", Map.of("roles", List.of("service"))));
        assertThat(id.subject()).isEqualTo(new Subject.Client("slate-service"));
        assertThat(id.realmRoles()).containsExactly("service");
    }

    @Test
    void aClientIdClaimMatchingAzpAlsoMarksAClient() {
        Identity id =
                TokenClaims.identity(Map.of("azp", "ingest-job", "client_id", "ingest-job", "preferred_username", "x"));
        assertThat(id.subject()).isEqualTo(new Subject.Client("ingest-job"));
    }

    @Test
    void aUserTokenIsTheUser() {
        Identity id = TokenClaims.identity(Map.of(
                "sub", "1234",
                "azp", "slate-cli",
                "preferred_username", "dave",
                "realm_access", Map.of("roles", List.of("developer", "offline_access"))));
        assertThat(id.subject()).isEqualTo(new Subject.User("dave"));
        assertThat(id.realmRoles()).containsExactlyInAnyOrder("developer", "offline_access");
    }

    @Test
    void aUserNamedLikeAnotherClientsServiceAccountIsNotThatClient() {
        Identity id =
                TokenClaims.identity(Map.of("azp", "slate-cli", "preferred_username", "service-account-slate-service"));
        assertThat(id.subject()).isEqualTo(new Subject.User("service-account-slate-service"));
    }

    @Test
    void rolesOutsideRealmAccessAreIgnored() {
        Identity id = TokenClaims.identity(Map.of(
                "preferred_username", "mallory",
                "roles", List.of("admin"),
                "groups", List.of("admin"),
                "resource_access", Map.of("slate-api", Map.of("roles", List.of("admin"))),
                "realm_access", Map.of("roles", List.of("viewer", 42))));
        assertThat(id.realmRoles()).containsExactly("viewer");
    }

    @Test
    void malformedRealmAccessGivesNoRoles() {
        assertThat(TokenClaims.identity(Map.of("preferred_username", "m", "realm_access", "admin"))
                        .realmRoles())
                .isEmpty();
        assertThat(TokenClaims.identity(Map.of("preferred_username", "m", "realm_access", Map.of("roles", "admin")))
                        .realmRoles())
                .isEmpty();
    }

    @Test
    void aTokenWithoutSubjectIsRejected() {
        assertThatThrownBy(() -> TokenClaims.identity(Map.of("realm_access", Map.of("roles", List.of("admin")))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
