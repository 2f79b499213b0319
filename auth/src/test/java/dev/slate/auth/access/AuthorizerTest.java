package dev.slate.auth.access;

import static dev.slate.auth.access.Permission.ADMIN;
import static dev.slate.auth.access.Permission.DEPLOY;
import static dev.slate.auth.access.Permission.INGEST;
import static dev.slate.auth.access.Permission.QUERY_OFFLINE;
import static dev.slate.auth.access.Permission.QUERY_ONLINE;
import static dev.slate.auth.access.Permission.READ_CATALOG;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AuthorizerTest {

    private final Authorizer authorizer = new Authorizer(AccessPolicy.defaults());

    private Set<Permission> granted(Identity identity, List<RoleBinding> bindings, String environment) {
        return Arrays.stream(Permission.values())
                .filter(p ->
                        authorizer.decide(identity, bindings, environment, p).allowed())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Permission.class)));
    }

    @Test
    void defaultRoleTableMatchesTheDocumentation() {
        Map<String, Set<Permission>> expected = Map.of(
                "admin", EnumSet.allOf(Permission.class),
                "developer", EnumSet.of(QUERY_ONLINE, QUERY_OFFLINE, INGEST, DEPLOY, READ_CATALOG),
                "viewer", EnumSet.of(QUERY_ONLINE, QUERY_OFFLINE, READ_CATALOG),
                "service", EnumSet.of(QUERY_ONLINE, QUERY_OFFLINE, INGEST, READ_CATALOG),
                "pii-reader", EnumSet.noneOf(Permission.class));
        assertThat(AccessPolicy.defaults().roles().keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((role, permissions) -> assertThat(granted(Identity.user("someone", role), List.of(), "prod"))
                .as(role)
                .isEqualTo(permissions));
        assertThat(AccessPolicy.defaults().grantsOf("pii-reader").orElseThrow().featureTags())
                .containsExactly("pii");
        assertThat(AccessPolicy.defaults().restrictedTags()).containsExactly("pii");
    }

    @Test
    void realmRolesGrantInEveryEnvironment() {
        Identity dave = Identity.user("dave", "developer");
        for (String env : List.of("dev", "qa", "prod")) {
            Decision d = authorizer.decide(dave, List.of(), env, DEPLOY);
            assertThat(d.allowed()).isTrue();
            assertThat(d.reason()).isEqualTo("realm role 'developer' grants deploy in environment '" + env + "'");
        }
    }

    @Test
    void bindingsGrantOnlyInTheirEnvironment() {
        Identity dave = Identity.user("dave");
        List<RoleBinding> bindings = List.of(
                new RoleBinding(dave.subject(), "qa", "developer"), new RoleBinding(dave.subject(), "prod", "viewer"));

        assertThat(granted(dave, bindings, "qa"))
                .isEqualTo(EnumSet.of(QUERY_ONLINE, QUERY_OFFLINE, INGEST, DEPLOY, READ_CATALOG));
        assertThat(granted(dave, bindings, "prod")).isEqualTo(EnumSet.of(QUERY_ONLINE, QUERY_OFFLINE, READ_CATALOG));
        assertThat(granted(dave, bindings, "staging")).isEmpty();

        Decision deployProd = authorizer.decide(dave, bindings, "prod", DEPLOY);
        assertThat(deployProd).isInstanceOf(Decision.Deny.class);
        assertThat(deployProd.reason()).isEqualTo("user:dave has no grant for deploy in environment 'prod'");
        assertThat(authorizer.decide(dave, bindings, "qa", DEPLOY).reason())
                .isEqualTo("binding developer@qa for user:dave grants deploy in environment 'qa'");
    }

    @Test
    void bindingsOfOtherSubjectsGrantNothing() {
        Identity vera = Identity.user("vera");
        List<RoleBinding> bindings = List.of(
                new RoleBinding(new Subject.User("alice"), "prod", "admin"),
                new RoleBinding(new Subject.Client("vera"), "prod", "admin"));
        assertThat(granted(vera, bindings, "prod")).isEmpty();
    }

    @Test
    void realmRolesAndBindingsAddUp() {
        Identity vera = Identity.user("vera", "viewer");
        List<RoleBinding> bindings = List.of(new RoleBinding(vera.subject(), "dev", "developer"));
        assertThat(granted(vera, bindings, "dev")).contains(DEPLOY, INGEST, QUERY_ONLINE);
        assertThat(granted(vera, bindings, "prod")).doesNotContain(DEPLOY, INGEST, ADMIN);
        // the realm role is reported as the source when both grant
        assertThat(authorizer.decide(vera, bindings, "dev", QUERY_ONLINE).reason())
                .startsWith("realm role 'viewer'");
    }

    @Test
    void unknownRolesAndKeycloakDefaultRolesGrantNothing() {
        Identity id = Identity.user(
                "mallory", "offline_access", "uma_authorization", "default-roles-slate", "superuser", "ADMIN");
        assertThat(granted(id, List.of(new RoleBinding(id.subject(), "prod", "root")), "prod"))
                .isEmpty();
    }

    @Test
    void invalidEnvironmentNamesAreDeniedEvenForAdmins() {
        Identity alice = Identity.user("alice", "admin");
        for (String env : List.of("", "../prod", "prod;drop", "PROD", "prod\n")) {
            Decision d = authorizer.decide(alice, List.of(), env, READ_CATALOG);
            assertThat(d.allowed()).as(env).isFalse();
            assertThat(d.reason()).isEqualTo("not a valid environment name");
        }
    }

    @Test
    void serviceClientsMayQueryAndIngestButNotDeployOrAdminister() {
        Identity svc = Identity.client("slate-service", "service");
        assertThat(authorizer.decide(svc, List.of(), "prod", QUERY_ONLINE).allowed())
                .isTrue();
        assertThat(authorizer.decide(svc, List.of(), "prod", INGEST).allowed()).isTrue();
        assertThat(authorizer.decide(svc, List.of(), "prod", DEPLOY).allowed()).isFalse();
        assertThat(authorizer.decide(svc, List.of(), "prod", ADMIN).allowed()).isFalse();
    }

    @Test
    void featureTagsComeFromRealmRolesOrBindingsOfTheEnvironment() {
        Identity priya = Identity.user("priya", "viewer");
        List<RoleBinding> bindings = List.of(new RoleBinding(priya.subject(), "qa", "pii-reader"));
        assertThat(authorizer.access(priya, bindings, "qa").featureTags()).containsOnlyKeys("pii");
        assertThat(authorizer.access(priya, bindings, "prod").featureTags()).isEmpty();
        assertThat(authorizer
                        .access(Identity.user("priya", "pii-reader"), List.of(), "prod")
                        .featureTags())
                .containsEntry("pii", "realm role 'pii-reader'");
        // admins are not implicitly cleared for restricted tags
        assertThat(authorizer
                        .access(Identity.user("alice", "admin"), List.of(), "prod")
                        .featureTags())
                .isEmpty();
    }

    @Test
    void withheldFeaturesFollowTheIdentitysGrantsInTheEnvironment() {
        TaggedFeatureGraph graph = TaggedFeatureGraph.of(
                Map.of("user.email", Set.of("pii")), Map.of("user.email_domain", Set.of("user.email")));
        Identity priya = Identity.user("priya", "viewer");
        List<RoleBinding> bindings = List.of(new RoleBinding(priya.subject(), "qa", "pii-reader"));
        List<String> requested = List.of("user.email_domain", "user.age");

        assertThat(authorizer.withheldFeatures(authorizer.access(priya, bindings, "qa"), requested, graph))
                .isEmpty();
        Map<String, Withheld> prod =
                authorizer.withheldFeatures(authorizer.access(priya, bindings, "prod"), requested, graph);
        assertThat(prod).containsOnlyKeys("user.email_domain");
        assertThat(prod.get("user.email_domain").path()).containsExactly("user.email_domain", "user.email");
    }
}
