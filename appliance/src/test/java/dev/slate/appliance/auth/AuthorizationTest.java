package dev.slate.appliance.auth;

import static dev.slate.appliance.auth.Responses.HEADER;
import static dev.slate.appliance.auth.Responses.PROBLEM;
import static dev.slate.appliance.auth.Responses.as;
import static dev.slate.appliance.auth.Responses.assertClean;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.slate.appliance.testing.TestTokens;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.assertj.core.api.Assertions;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Permissions per endpoint and environment, from realm roles and role bindings (docs/security.md), the
 * admin-only binding API, the audit trail of deployments and refusals, and hostile input in the places
 * authorization reads (environment header, binding fields, audit filters).
 */
@QuarkusTest
class AuthorizationTest {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String QA = "t-auth-qa-" + SUFFIX;
    private static final String PROD = "t-auth-prod-" + SUFFIX;
    private static final String STAGING = "t-auth-staging-" + SUFFIX;
    private static final String PASSWORD = UUID.randomUUID().toString();

    @Inject
    DataSource dataSource;

    @AfterAll
    static void clean() throws Exception {
        try (Connection c = TestServers.postgres().connect()) {
            List<String> envs = List.of(QA, PROD, STAGING);
            for (String sql : List.of(
                    "update environments set active_deployment_id = null where name = ?",
                    "delete from deployments where environment = ?",
                    "delete from environments where name = ?",
                    "delete from role_bindings where environment = ?")) {
                for (String env : envs) {
                    try (PreparedStatement s = c.prepareStatement(sql)) {
                        s.setString(1, env);
                        s.executeUpdate();
                    }
                }
            }
        }
    }

    @Test
    void realmRolesGrantPerEndpoint() {
        String vera = TestTokens.user(TestTokens.VIEWER);
        String dave = TestTokens.user(TestTokens.DEVELOPER);
        String service = TestTokens.service();
        String reporting = TestTokens.reporting();
        // viewer: read and query, no deploy, no ingest, no admin API
        as(vera).get("/v1/deployments").then().statusCode(200);
        assertForbidden(deploy(vera, STAGING), "deploy");
        assertForbidden(
                as(vera).contentType(ContentType.JSON)
                        .body(Map.of("rows", List.of()))
                        .post("/v1/ingest"),
                "ingest");
        assertForbidden(as(vera).get("/v1/audit"), "admin");
        assertForbidden(as(vera).get("/v1/access/bindings"), "admin");
        assertForbidden(as(vera).get("/v1/secrets"), "admin");
        // developer: deploys anywhere (realm role), but is no admin
        assertThat(deploy(dave, STAGING).statusCode()).isIn(200, 201);
        assertForbidden(as(dave).get("/v1/audit"), "admin");
        assertForbidden(
                as(dave).contentType(ContentType.JSON)
                        .body(Map.of("subject", "user:dave", "environment", QA, "role", "admin"))
                        .put("/v1/access/bindings"),
                "admin");
        // machine clients: service may query but not deploy; reporting (viewer) may not ingest
        assertForbidden(deploy(service, STAGING), "deploy");
        as(service)
                .header(HEADER, STAGING)
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", 3), "outputs", List.of("user.scaled")))
                .post("/v1/query/online")
                .then()
                .statusCode(200)
                .body("data[0].value", equalTo(3 * 7));
        assertForbidden(
                as(reporting)
                        .contentType(ContentType.JSON)
                        .body(Map.of("rows", List.of()))
                        .post("/v1/ingest"),
                "ingest");
        // reverse ETL writes feature values like ingest, and needs the same permission
        assertForbidden(materialize(vera, STAGING), "ingest");
        assertForbidden(materialize(reporting, STAGING), "ingest");
        assertThat(materialize(service, STAGING).statusCode()).isNotIn(401, 403);
        assertThat(materialize(dave, STAGING).statusCode()).isNotIn(401, 403);
        // unknown endpoints under /v1 need admin
        assertForbidden(as(vera).get("/v1/not-yet-an-endpoint"), "admin");
    }

    @Test
    void aDeveloperBoundToQaMayDeployThereButOnlyQueryProd() {
        KeycloakAdmin keycloak = new KeycloakAdmin();
        String user = keycloak.createUser("t-dev", PASSWORD); // no realm role at all
        String token =
                TestTokens.endpoint().password("slate-cli", user, PASSWORD).accessToken();
        String subject = "user:" + user;

        // nothing yet: no binding, no realm role
        assertForbidden(deploy(token, QA), "deploy");
        assertForbidden(as(token).header(HEADER, PROD).get("/v1/features"), "read.catalog");

        bind(subject, QA, "developer")
                .then()
                .statusCode(201)
                .body("subject", equalTo(subject))
                .body("role", equalTo("developer"));
        bind(subject, PROD, "viewer").then().statusCode(201);
        bind(subject, PROD, "viewer").then().statusCode(200); // idempotent
        given().queryParam("subject", subject)
                .get("/v1/access/bindings")
                .then()
                .statusCode(200)
                .body("bindings.size()", equalTo(2))
                .body("bindings.find { it.environment == '" + QA + "' }.role", equalTo("developer"));

        Response deployed = deploy(token, QA);
        assertThat(deployed.statusCode()).as(deployed.asString()).isEqualTo(201);
        String deploymentId = deployed.jsonPath().getString("id");
        query(token, QA).then().statusCode(200).body("data[0].value", equalTo(21));

        assertForbidden(deploy(token, PROD), "deploy");
        assertThat(deploy(TestTokens.user(TestTokens.ADMIN), PROD).statusCode()).isEqualTo(201);
        query(token, PROD).then().statusCode(200).body("data[0].value", equalTo(21));
        as(token).header(HEADER, PROD).get("/v1/features").then().statusCode(200);

        // materialize follows ingest: the developer binding allows it in qa, the viewer binding not in prod
        assertThat(materialize(token, QA).statusCode()).isNotIn(401, 403);
        assertForbidden(materialize(token, PROD), "ingest");

        // no binding in staging: nothing there
        assertForbidden(query(token, STAGING), "query.online");
        assertForbidden(deploy(token, STAGING), "deploy");
        // bindings never grant the admin API, not even an admin binding
        bind(subject, QA, "admin").then().statusCode(201);
        assertForbidden(as(token).header(HEADER, QA).get("/v1/audit"), "admin");
        given().queryParam("subject", subject)
                .queryParam("environment", QA)
                .queryParam("role", "admin")
                .delete("/v1/access/bindings")
                .then()
                .statusCode(204);

        // removing the binding takes effect at once on this replica
        given().queryParam("subject", subject)
                .queryParam("environment", QA)
                .queryParam("role", "developer")
                .delete("/v1/access/bindings")
                .then()
                .statusCode(204);
        given().queryParam("subject", subject)
                .queryParam("environment", QA)
                .queryParam("role", "developer")
                .delete("/v1/access/bindings")
                .then()
                .statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        assertForbidden(deploy(token, QA), "deploy");

        // the audit log has the deployment, the binding changes and the refusals, with who and from where
        List<Map<String, Object>> entries = audit(subject);
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("action")).isEqualTo("deployment.create");
            assertThat(e.get("outcome")).isEqualTo("OK");
            assertThat(e.get("status")).isEqualTo(201);
            assertThat(e.get("environment")).isEqualTo(QA);
            assertThat(e.get("target")).isEqualTo("deployment " + deploymentId);
            assertThat(e.get("remote_address")).isEqualTo("127.0.0.1");
            assertThat((String) e.get("request_id")).isNotBlank();
        });
        assertThat(entries)
                .filteredOn(e -> "DENIED".equals(e.get("outcome")) && "deployment.create".equals(e.get("action")))
                .extracting(e -> e.get("environment"))
                .contains(QA, PROD, STAGING);
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("action")).isEqualTo("query.online");
            assertThat(e.get("outcome")).isEqualTo("DENIED");
            assertThat(e.get("status")).isEqualTo(403);
            assertThat((String) e.get("detail"))
                    .contains("has no grant for query.online in environment '" + STAGING + "'");
        });
        List<Map<String, Object>> changes = given().queryParam("action", "access.binding.put")
                .queryParam("limit", "1000")
                .get("/v1/audit")
                .jsonPath()
                .getList("entries");
        assertThat(changes).anySatisfy(e -> {
            assertThat(e.get("subject")).isEqualTo("user:" + TestTokens.ADMIN);
            assertThat(e.get("target")).isEqualTo("developer@" + QA + " for " + subject);
            assertThat(e.get("status")).isEqualTo(201);
        });
    }

    @Test
    void bindingsOfUnknownRolesOrMalformedSubjectsAreRefused() {
        problem(bind("dave", QA, "developer"), 400, "INVALID_QUERY");
        problem(bind("group:ops", QA, "developer"), 400, "INVALID_QUERY");
        problem(bind("user:dave", QA, "superuser"), 400, "INVALID_QUERY");
        problem(bind("user:dave", "QA", "developer"), 400, "INVALID_QUERY");
        problem(given().contentType(ContentType.JSON).body("[]").put("/v1/access/bindings"), 400, "PARSE_FAILED");
    }

    @Test
    void hostileInputIsRefusedCleanly() throws SQLException {
        String admin = TestTokens.user(TestTokens.ADMIN);
        List<String> attacks = List.of(
                "'; DROP TABLE role_bindings; --",
                "default' OR '1'='1",
                "qa\u0000",
                "../../etc/passwd",
                "$(reboot)",
                "x".repeat(5000));
        for (String attack : attacks) {
            Response r = as(admin).header(HEADER, attack).get("/v1/features");
            assertThat(r.statusCode()).as("environment %s", attack).isEqualTo(400);
            r.then().body("code", equalTo("INVALID_QUERY"));
            assertClean(r);
            Response q = as(admin)
                    .header(HEADER, STAGING)
                    .contentType(ContentType.JSON)
                    .body(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user." + attack)))
                    .post("/v1/query/online");
            assertThat(q.statusCode())
                    .as("feature %s: %s", attack, q.asString())
                    .isBetween(400, 499);
            assertClean(q);
            problem(bind("user:" + attack, QA, "viewer"), 400, "INVALID_QUERY");
            Response a = given().queryParam("subject", attack)
                    .queryParam("action", attack)
                    .get("/v1/audit");
            assertThat(a.statusCode())
                    .as(a.asString())
                    .isIn(200, 414); // 414: the HTTP layer refuses a 10 KB query string
            if (a.statusCode() == 200) {
                a.then().body("entries.size()", equalTo(0));
            }
        }
        // the tables are still there and the audit log still refuses to be rewritten
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.executeQuery("select count(*) from role_bindings").close();
            assertThat(Assertions.catchThrowable(() -> s.executeUpdate("update audit_log set subject = 'x'")))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThat(Assertions.catchThrowable(() -> s.executeUpdate("delete from audit_log")))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThat(Assertions.catchThrowable(() -> s.executeUpdate("truncate audit_log")))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
        }
    }

    private static Response deploy(String token, String environment) {
        return as(token)
                .header(HEADER, environment)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", """
                        project: authz
                        entities:
                          user:
                            key: id
                            features:
                              id: int
                              scaled: {type: int, expression: "id * 7"}
                        """), "activate", true))
                .post("/v1/deployments");
    }

    private static Response query(String token, String environment) {
        return as(token)
                .header(HEADER, environment)
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", 3), "outputs", List.of("user.scaled")))
                .post("/v1/query/online");
    }

    private static Response bind(String subject, String environment, String role) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("subject", subject, "environment", environment, "role", role))
                .put("/v1/access/bindings");
    }

    private static List<Map<String, Object>> audit(String subject) {
        Response r = given().queryParam("subject", subject)
                .queryParam("limit", "1000")
                .get("/v1/audit");
        r.then().statusCode(200);
        return r.jsonPath().getList("entries");
    }

    private static Response materialize(String token, String environment) {
        return as(token)
                .header(HEADER, environment)
                .contentType(ContentType.JSON)
                .body(Map.of())
                .post("/v1/materialize");
    }

    private static void assertForbidden(Response r, String permission) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(403);
        assertThat(r.contentType()).startsWith(PROBLEM);
        r.then().body("code", equalTo("UNAUTHORIZED")).body("detail", Matchers.containsString("'" + permission + "'"));
        assertClean(r);
    }

    private static void problem(Response r, int status, String code) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        r.then().body("code", equalTo(code));
        assertClean(r);
    }
}
