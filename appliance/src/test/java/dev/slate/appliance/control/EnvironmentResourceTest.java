package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.slate.appliance.testing.DefaultTokenFilter;
import dev.slate.appliance.testing.TestTokens;
import dev.slate.auth.access.RoleBinding;
import dev.slate.control.audit.AuditLog;
import dev.slate.serving.model.deploy.EnvironmentNameRule;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /v1/environments}: environments as objects, their bad input, deletion rules and audit (docs/environments.md). */
@QuarkusTest
class EnvironmentResourceTest {
    private static final String ENV = "X-Slate-Environment";
    private static final String PROBLEM = "application/problem+json";

    @Inject
    AuditLog auditLog;

    @RegisterExtension
    final EnvironmentCleaner cleaner = new EnvironmentCleaner();

    private static ValidatableResponse create(Map<String, Object> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/v1/environments")
                .then();
    }

    private static ValidatableResponse patch(String env, Map<String, Object> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .patch("/v1/environments/" + env)
                .then();
    }

    @Test
    void createsListsDescribesPatchesAndDeletesAnEnvironment() {
        String env = cleaner.track(TestProjects.environment("obj"));
        create(Map.of("name", env, "description", "quality assurance", "replicas", 2))
                .statusCode(201)
                .header("Location", containsString("/v1/environments/" + env))
                .body("name", equalTo(env))
                .body("description", equalTo("quality assurance"))
                .body("mode", equalTo("fixed"))
                .body("replicas", equalTo(2))
                .body("max_replicas", nullValue())
                .body("online_namespace", equalTo(env))
                .body("offline_namespace", equalTo(env))
                .body("active_deployment_id", nullValue())
                .body("generation", equalTo(1))
                .body("created_by", equalTo(TestTokens.ADMIN))
                .body("status.state", equalTo("STANDALONE"));

        given().get("/v1/environments").then().statusCode(200).body("environments.name", hasItem(env));
        given().get("/v1/environments/" + env).then().statusCode(200).body("replicas", equalTo(2));

        patch(env, Map.of("mode", "autoscaled", "replicas", 2, "max_replicas", 5))
                .statusCode(200)
                .body("mode", equalTo("autoscaled"))
                .body("max_replicas", equalTo(5))
                .body("generation", equalTo(2));
        patch(env, Map.of("description", "qa"))
                .statusCode(200)
                .body("description", equalTo("qa"))
                .body("max_replicas", equalTo(5))
                .body("generation", equalTo(3));
        patch(env, Map.of("mode", "fixed"))
                .statusCode(200)
                .body("mode", equalTo("fixed"))
                .body("max_replicas", nullValue());
        patch(env, Map.of("mode", "fixed"))
                .statusCode(200)
                .body("generation", equalTo(4)); // no change, no new generation

        given().queryParam("confirm", env)
                .delete("/v1/environments/" + env)
                .then()
                .statusCode(200)
                .body("name", equalTo(env));
        given().get("/v1/environments/" + env)
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("NOT_FOUND"));
        given().get("/v1/environments").then().statusCode(200).body("environments.name", not(hasItem(env)));
    }

    @Test
    void refusesBadInputWithProblems() {
        String env = cleaner.track(TestProjects.environment("bad"));
        create(Map.of("name", "Not_Valid"))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("detail", containsString(EnvironmentNameRule.REGEX));
        create(Map.of("name", "x".repeat(64))).statusCode(400).contentType(PROBLEM);
        create(Map.of("description", "no name")).statusCode(400).contentType(PROBLEM);
        create(Map.of("name", env, "replicas", 21))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("replicas must be between 0 and 20"));
        create(Map.of("name", env, "replicas", -1)).statusCode(400).contentType(PROBLEM);
        create(Map.of("name", env, "mode", "autoscaled"))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("max_replicas"));
        create(Map.of("name", env, "mode", "sideways")).statusCode(400).contentType(PROBLEM);
        create(Map.of("name", env, "replicas", 3, "max_replicas", 2))
                .statusCode(400)
                .contentType(PROBLEM);
        create(Map.of("name", env, "replicas", "three"))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        create(Map.of("name", env, "colour", "blue"))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));

        create(Map.of("name", env)).statusCode(201).body("replicas", equalTo(1));
        create(Map.of("name", env)).statusCode(409).contentType(PROBLEM).body("code", equalTo("CONFLICT"));
        patch(env, Map.of("replicas", 100)).statusCode(400).contentType(PROBLEM);
        patch(env, Map.of()).statusCode(400).contentType(PROBLEM);
        given().get("/v1/environments/" + env)
                .then()
                .body("replicas", equalTo(1))
                .body("generation", equalTo(1));
        patch("t-missing-env", Map.of("replicas", 1)).statusCode(404).contentType(PROBLEM);
        given().get("/v1/environments/NOPE").then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void deletionNeedsConfirmationAndForceWhileServing() {
        String env = cleaner.track(TestProjects.environment("del"));
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", TestProjects.valid("shop", 3)))
                .post("/v1/deployments")
                .then()
                .statusCode(201); // created on first deploy (on outside %prod)
        String active = given().get("/v1/environments/" + env)
                .then()
                .statusCode(200)
                .body("active_deployment_id", notNullValue())
                .extract()
                .path("active_deployment_id");

        given().delete("/v1/environments/" + env)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("?confirm=" + env));
        given().queryParam("confirm", "other")
                .delete("/v1/environments/" + env)
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().queryParam("confirm", env)
                .delete("/v1/environments/" + env)
                .then()
                .statusCode(409)
                .contentType(PROBLEM)
                .body("code", equalTo("CONFLICT"))
                .body("detail", containsString(active))
                .body("detail", containsString("force=true"));
        query(env).statusCode(200).body("data[0].value", equalTo(21));

        given().queryParam("confirm", env)
                .queryParam("force", "true")
                .delete("/v1/environments/" + env)
                .then()
                .statusCode(200);
        query(env).statusCode(404).contentType(PROBLEM).body("code", equalTo("NO_ACTIVE_DEPLOYMENT"));
        given().header(ENV, env).get("/v1/deployments").then().statusCode(200).body("deployments.size()", equalTo(0));
        given().queryParam("confirm", env)
                .delete("/v1/environments/" + env)
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
    }

    @Test
    void onlyAdminsChangeEnvironmentsAndEveryChangeIsAudited() {
        String env = cleaner.track(TestProjects.environment("audit"));
        Instant start = Instant.now().minusSeconds(1);
        String vera = "Bearer " + TestTokens.user(TestTokens.VIEWER);
        given().header("Authorization", vera).get("/v1/environments").then().statusCode(200);
        given().header("Authorization", vera)
                .contentType(ContentType.JSON)
                .body(Map.of("name", env))
                .post("/v1/environments")
                .then()
                .statusCode(403)
                .contentType(PROBLEM)
                .body("code", equalTo("UNAUTHORIZED"));
        given().header("Authorization", "Bearer " + TestTokens.user(TestTokens.DEVELOPER))
                .contentType(ContentType.JSON)
                .body(Map.of("replicas", 2))
                .patch("/v1/environments/default")
                .then()
                .statusCode(403);
        given().noFiltersOfType(DefaultTokenFilter.class)
                .get("/v1/environments")
                .then()
                .statusCode(401);

        create(Map.of("name", env)).statusCode(201);
        patch(env, Map.of("replicas", 3)).statusCode(200);
        given().delete("/v1/environments/" + env).then().statusCode(400);
        given().queryParam("confirm", env)
                .delete("/v1/environments/" + env)
                .then()
                .statusCode(200);

        assertThat(auditLog.flush(Duration.ofSeconds(10))).isTrue();
        List<Map<String, Object>> entries = given().queryParam("since", start.toString())
                .queryParam("limit", 1000)
                .get("/v1/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("entries");
        List<String> mine = entries.stream()
                .filter(e -> ("environment " + env).equals(e.get("target")))
                .map(e -> e.get("action") + " " + e.get("outcome"))
                .toList();
        assertThat(mine)
                .contains(
                        "environment.create OK",
                        "environment.update OK",
                        "environment.delete FAILED",
                        "environment.delete OK");
        assertThat(entries.stream()
                        .filter(e -> "environment.create".equals(e.get("action")) && "DENIED".equals(e.get("outcome")))
                        .count())
                .isPositive();
    }

    @Test
    void thePermissionModelKeepsTheOneEnvironmentNamePattern() {
        // auth links none of our modules, so it keeps a copy; this keeps the copy true
        assertThat(RoleBinding.ENVIRONMENT.pattern()).isEqualTo(EnvironmentNameRule.REGEX);
    }

    private static ValidatableResponse query(String env) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", 7), "outputs", List.of("user.scaled")))
                .post("/v1/query/online")
                .then();
    }
}
