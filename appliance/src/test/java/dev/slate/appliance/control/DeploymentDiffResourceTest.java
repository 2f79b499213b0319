package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.slate.appliance.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/deployments/{from}/diff/{to}} (docs/deployments.md, "Diff"). */
@QuarkusTest
class DeploymentDiffResourceTest {
    private static final String ENV = "X-Slate-Environment";

    @RegisterExtension
    final EnvironmentCleaner cleaner = new EnvironmentCleaner();

    @Test
    void showsWhatChangedBetweenTwoDeploymentsOfTheEnvironment() {
        String env = cleaner.track(TestProjects.environment("diff"));
        String v1 = deploy(env, TestProjects.valid("shop", 2));
        String v2 = deploy(env, TestProjects.valid("shop", 3));

        given().header(ENV, env)
                .get("/v1/deployments/" + v1 + "/diff/" + v2)
                .then()
                .statusCode(200)
                .body("from", equalTo(v1))
                .body("to", equalTo(v2))
                .body("features", hasSize(1))
                .body("features[0].name", equalTo("user.scaled"))
                .body("features[0].change", equalTo("changed"))
                .body("features[0].details[0]", equalTo("computed by: expression id * 2 -> expression id * 3"))
                .body("resolvers", hasSize(0));
        given().header(ENV, env)
                .get("/v1/deployments/" + v1 + "/diff/" + v1)
                .then()
                .statusCode(200)
                .body("features", hasSize(0));

        // a viewer may read it; another environment's deployment is not found there
        given().header("Authorization", "Bearer " + TestTokens.user(TestTokens.VIEWER))
                .header(ENV, env)
                .get("/v1/deployments/" + v1 + "/diff/" + v2)
                .then()
                .statusCode(200);
        given().header(ENV, "default")
                .get("/v1/deployments/" + v1 + "/diff/" + v2)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("NOT_FOUND"));
        given().header(ENV, env)
                .get("/v1/deployments/" + v1 + "/diff/" + UUID.randomUUID())
                .then()
                .statusCode(404);
        given().header(ENV, env)
                .get("/v1/deployments/" + v1 + "/diff/not-an-id")
                .then()
                .statusCode(404);
    }

    private static String deploy(String env, Map<String, String> files) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", files, "activate", false))
                .post("/v1/deployments")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
