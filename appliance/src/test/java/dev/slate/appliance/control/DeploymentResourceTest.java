package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.slate.control.deploy.ActiveDeploymentPublisher;
import dev.slate.serving.model.deploy.ActiveDeployment;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@QuarkusTest
class DeploymentResourceTest {
    private static final String ENV = "X-Slate-Environment";
    private static final String PROBLEM = "application/problem+json";

    @Inject
    ActiveDeploymentPublisher publisher;

    @Inject
    RecordedActiveDeployments events;

    @RegisterExtension
    final EnvironmentCleaner cleaner = new EnvironmentCleaner();

    @Test
    void deploysAValidProjectAndListsIt() {
        String env = cleaner.track(TestProjects.environment("valid"));

        String id = deploy(env, TestProjects.valid("shop", 2), true)
                .statusCode(201)
                .header("Location", startsWith("http"))
                .body("id", notNullValue())
                .body("environment", equalTo(env))
                .body("project", equalTo("shop"))
                .body("version", equalTo(1))
                .body("status", equalTo("ACTIVE"))
                .body("content_hash", notNullValue())
                .body("created_at", notNullValue())
                .body("activated_at", notNullValue())
                .body("file_names", equalTo(List.of("slate.yaml")))
                .body("unchanged", equalTo(false))
                .extract()
                .path("id");

        given().header(ENV, env)
                .get("/v1/deployments")
                .then()
                .statusCode(200)
                .body("environment", equalTo(env))
                .body("active_deployment_id", equalTo(id))
                .body("deployments", hasSize(1))
                .body("deployments[0].id", equalTo(id))
                .body("deployments[0].file_names", equalTo(List.of("slate.yaml")))
                .body("deployments[0].files", nullValue());

        given().header(ENV, env)
                .get("/v1/deployments/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body(
                        "files.'slate.yaml'",
                        equalTo(TestProjects.valid("shop", 2).get("slate.yaml")));

        assertThat(publisher.current(env)).map(ActiveDeployment::deploymentId).contains(id);
        assertThat(events.of(env)).extracting(ActiveDeployment::deploymentId).containsExactly(id);
        assertThat(events.of(env).getFirst().graph().project()).isEqualTo("shop");
    }

    @Test
    void listsNewestFirstAndCanStoreWithoutActivating() {
        String env = cleaner.track(TestProjects.environment("list"));
        String first = deploy(env, TestProjects.valid("shop", 1), true)
                .statusCode(201)
                .extract()
                .path("id");

        String second = deploy(env, TestProjects.valid("shop", 2), false)
                .statusCode(201)
                .body("version", equalTo(2))
                .body("status", equalTo("INACTIVE"))
                .body("activated_at", nullValue())
                .extract()
                .path("id");

        given().header(ENV, env)
                .get("/v1/deployments")
                .then()
                .statusCode(200)
                .body("deployments.id", equalTo(List.of(second, first)))
                .body("deployments.status", equalTo(List.of("INACTIVE", "ACTIVE")))
                .body("active_deployment_id", equalTo(first));
        assertThat(publisher.current(env)).map(ActiveDeployment::deploymentId).contains(first);
    }

    @Test
    void rejectsAnInvalidProjectWithFileLineAndCodeAndStoresNothing() {
        String env = cleaner.track(TestProjects.environment("invalid"));
        String active = deploy(env, TestProjects.valid("shop", 1), true)
                .statusCode(201)
                .extract()
                .path("id");
        int eventsBefore = events.of(env).size();

        deploy(env, TestProjects.unknownType("shop"), true)
                .statusCode(422)
                .contentType(PROBLEM)
                .body("code", equalTo("VALIDATION_FAILED"))
                .body("status", equalTo(422))
                .body("errors", hasSize(1))
                .body("errors[0].file", equalTo("slate.yaml"))
                .body("errors[0].line", equalTo(7))
                .body("errors[0].column", notNullValue())
                .body("errors[0].code", equalTo("UNKNOWN_TYPE"))
                .body("errors[0].message", notNullValue());

        given().header(ENV, env)
                .get("/v1/deployments")
                .then()
                .statusCode(200)
                .body("deployments", hasSize(1))
                .body("active_deployment_id", equalTo(active));
        assertThat(publisher.current(env)).map(ActiveDeployment::deploymentId).contains(active);
        assertThat(events.of(env)).hasSize(eventsBefore);
    }

    @Test
    void anInvalidFirstProjectLeavesNoDeployment() {
        String env = cleaner.track(TestProjects.environment("invalid-first"));

        deploy(env, TestProjects.unknownType("shop"), true).statusCode(422);

        given().header(ENV, env)
                .get("/v1/deployments")
                .then()
                .statusCode(200)
                .body("deployments", hasSize(0))
                .body("active_deployment_id", nullValue());
        assertThat(publisher.current(env)).isEmpty();
    }

    @Test
    void deployingIdenticalContentAgainChangesNothing() {
        String env = cleaner.track(TestProjects.environment("same"));
        Map<String, Object> first = deploy(env, TestProjects.valid("shop", 3), false)
                .statusCode(201)
                .extract()
                .path("$");

        // the same content again, now asking for activation: the existing deployment is activated
        deploy(env, TestProjects.valid("shop", 3), true)
                .statusCode(200)
                .body("unchanged", equalTo(true))
                .body("id", equalTo(first.get("id")))
                .body("version", equalTo(1))
                .body("content_hash", equalTo(first.get("content_hash")))
                .body("status", equalTo("ACTIVE"));
        deploy(env, TestProjects.valid("shop", 3), true)
                .statusCode(200)
                .body("unchanged", equalTo(true))
                .body("id", equalTo(first.get("id")));

        given().header(ENV, env).get("/v1/deployments").then().body("deployments", hasSize(1));
        assertThat(events.of(env)).extracting(ActiveDeployment::deploymentId).containsExactly((String) first.get("id"));
    }

    @Test
    void activatingAnOlderDeploymentRollsBackAndPublishes() {
        String env = cleaner.track(TestProjects.environment("rollback"));
        String v1 = deploy(env, TestProjects.valid("shop", 1), true)
                .statusCode(201)
                .extract()
                .path("id");
        String v2 = deploy(env, TestProjects.valid("shop", 2), true)
                .statusCode(201)
                .extract()
                .path("id");
        assertThat(publisher.current(env)).map(ActiveDeployment::deploymentId).contains(v2);

        given().header(ENV, env)
                .post("/v1/deployments/" + v1 + "/activate")
                .then()
                .statusCode(200)
                .body("id", equalTo(v1))
                .body("version", equalTo(1))
                .body("status", equalTo("ACTIVE"));

        assertThat(publisher.current(env)).map(ActiveDeployment::deploymentId).contains(v1);
        assertThat(publisher.current(env)).map(ActiveDeployment::version).contains(1);
        assertThat(events.of(env)).extracting(ActiveDeployment::deploymentId).containsExactly(v1, v2, v1);
        given().header(ENV, env)
                .get("/v1/deployments")
                .then()
                .body("active_deployment_id", equalTo(v1))
                .body("deployments.status", equalTo(List.of("SUPERSEDED", "ACTIVE")));

        // activating the active one again is a no-op
        given().header(ENV, env)
                .post("/v1/deployments/" + v1 + "/activate")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACTIVE"));
        assertThat(events.of(env)).hasSize(3);
    }

    @Test
    void deploymentsBelongToTheirEnvironment() {
        String env = cleaner.track(TestProjects.environment("owner"));
        String other = cleaner.track(TestProjects.environment("other"));
        String id = deploy(env, TestProjects.valid("shop", 1), true)
                .statusCode(201)
                .extract()
                .path("id");
        deploy(other, TestProjects.valid("shop", 9), true).statusCode(201);

        given().header(ENV, other)
                .post("/v1/deployments/" + id + "/activate")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("NOT_FOUND"));
        given().header(ENV, other)
                .get("/v1/deployments/" + id)
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("NOT_FOUND"));
        given().header(ENV, "t-never-deployed-to")
                .get("/v1/deployments")
                .then()
                .statusCode(200)
                .body("deployments", hasSize(0));
        assertThat(publisher.current(other).orElseThrow().deploymentId()).isNotEqualTo(id);
    }

    @Test
    void unknownAndMalformedIdsAreNotFound() {
        given().get("/v1/deployments/not-a-uuid")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("NOT_FOUND"));
        given().post("/v1/deployments/not-a-uuid/activate")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("NOT_FOUND"));
        given().get("/v1/deployments/00000000-0000-0000-0000-000000000000")
                .then()
                .statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void rejectsAnInvalidEnvironmentName() {
        for (String bad : List.of("Prod", "1prod", "prod_eu", "-x", "a".repeat(64), "prod eu")) {
            given().header(ENV, bad)
                    .get("/v1/deployments")
                    .then()
                    .statusCode(400)
                    .contentType(PROBLEM)
                    .body("code", equalTo("INVALID_QUERY"));
        }
        given().header(ENV, "Prod")
                .contentType(ContentType.JSON)
                .body(Map.of("files", TestProjects.valid("shop", 1)))
                .post("/v1/deployments")
                .then()
                .statusCode(400)
                .body("code", equalTo("INVALID_QUERY"));
    }

    @Test
    void malformedJsonIsAParseFailure() {
        String env = cleaner.track(TestProjects.environment("json"));
        for (String body : List.of(
                "{\"files\": {\"slate.yaml\": ",
                "not json",
                "[]",
                "{\"files\": \"slate.yaml\"}",
                "{\"files\": {\"slate.yaml\": 1}}",
                "{\"files\": {}, \"activte\": false}",
                // valid JSON, but text PostgreSQL cannot store
                "{\"files\": {\"slate.yaml\": \"project: a\\u0000\"}}")) {
            given().header(ENV, env)
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post("/v1/deployments")
                    .then()
                    .statusCode(400)
                    .contentType(PROBLEM)
                    .body("code", equalTo("PARSE_FAILED"))
                    .body("detail", notNullValue());
        }
        given().header(ENV, env).get("/v1/deployments").then().body("deployments", hasSize(0));
    }

    @Test
    void rejectsAnOversizedProjectInJson() {
        String env = cleaner.track(TestProjects.environment("big-json"));
        Map<String, String> files = new HashMap<>(TestProjects.valid("shop", 1));
        files.put("big.yaml", "# " + "x".repeat(1024 * 1024));

        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", files))
                .post("/v1/deployments")
                .then()
                .statusCode(413)
                .contentType(PROBLEM)
                .body("code", equalTo("PAYLOAD_TOO_LARGE"));
    }

    @Test
    void rejectsOtherContentTypes() {
        given().contentType(ContentType.TEXT)
                .body("project: x")
                .post("/v1/deployments")
                .then()
                .statusCode(415)
                .contentType(PROBLEM)
                .body("code", equalTo("UNSUPPORTED_MEDIA_TYPE"));
    }

    @Test
    void theReadinessCheckReportsTheActiveDeployment() {
        String env = cleaner.track(TestProjects.environment("health"));
        String id = deploy(env, TestProjects.valid("shop", 1), true)
                .statusCode(201)
                .extract()
                .path("id");

        given().get("/q/health/ready")
                .then()
                .body("checks.find { it.name == 'Slate active deployments' }.status", equalTo("UP"))
                .body(
                        "checks.find { it.name == 'Slate active deployments' }.data.'" + env + ".deployment_id'",
                        equalTo(id))
                .body("checks.find { it.name == 'Slate active deployments' }.data.'" + env + ".version'", equalTo(1))
                .body(
                        "checks.find { it.name == 'Slate active deployments' }.data.'" + env + ".project'",
                        equalTo("shop"))
                .body("checks.find { it.name == 'metadata-database' }.status", equalTo("UP"));
    }

    private static ValidatableResponse deploy(String environment, Map<String, String> files, boolean activate) {
        return given().header(ENV, environment)
                .contentType(ContentType.JSON)
                .body(Map.of("files", files, "activate", activate))
                .post("/v1/deployments")
                .then();
    }
}
