package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.slate.appliance.testing.TestTokens;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Branches end to end (docs/environments.md, "Branches"): {@code POST /v1/deployments?branch=NAME[&role=ROLE]} makes a
 * deployment that serves only requests with {@code X-Slate-Branch: NAME}, never the environment's main traffic; the main
 * active deployment never changes; a branch query reads the environment's online store and writes nothing back; an
 * unknown branch is 404 UNKNOWN_BRANCH; a branch limited to a role refuses other callers with 403; branches are listed,
 * compared with main by the diff, and deleted.
 */
@QuarkusTest
class BranchTest {
    @RegisterExtension
    final EnvironmentCleaner cleanup = new EnvironmentCleaner();

    private static final String ENV = "X-Slate-Environment";
    private static final String BRANCH = "X-Slate-Branch";
    private static final String MAIN = """
            project: br
            entities:
              user:
                key: id
                max_staleness: 1000d
                features:
                  id: int
                  credit_score: {type: float, ingested: true}
                  tier: {type: string, expression: "credit_score > 700.0 ? 'gold' : 'basic'"}
            """;
    private static final String EXPERIMENT = MAIN.replace("credit_score > 700.0", "credit_score > 500.0");

    @Inject
    Vertx vertx;

    @Test
    void aBranchServesOnlyRequestsNamingItAndNeverTouchesMain() throws Exception {
        String env = cleanup.track(TestProjects.environment("branch"));
        try {
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", env))
                    .post("/v1/environments")
                    .then()
                    .statusCode(201);
            String main =
                    deploy(env, MAIN, null, null).statusCode(201).extract().path("id");
            given().header(ENV, env)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "rows",
                            List.of(Map.of(
                                    "user.id", 1, "user.credit_score", 600.0, "__ts__", "2026-11-01T10:00:00Z"))))
                    .post("/v1/ingest")
                    .then()
                    .statusCode(200);

            // a bad name, a role without a branch: refused
            deploy(env, EXPERIMENT, "Bad_Name", null)
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("INVALID_QUERY"));
            deploy(env, EXPERIMENT, null, "developer").statusCode(400).body("code", equalTo("INVALID_QUERY"));

            String experiment = deploy(env, EXPERIMENT, "exp", null)
                    .statusCode(201)
                    .extract()
                    .path("id");
            assertThat(experiment).isNotEqualTo(main);
            // the environment's active deployment is still main
            given().header(ENV, env)
                    .get("/v1/deployments")
                    .then()
                    .statusCode(200)
                    .body("active_deployment_id", equalTo(main));

            // the branch answers with its own deployment, reading the environment's online store; main is untouched
            query(env, null, 1).statusCode(200).body("data[1].value", equalTo("basic"));
            query(env, "exp", 1)
                    .statusCode(200)
                    .body("data[0].value", equalTo(600.0f))
                    .body("data[1].value", equalTo("gold"));
            query(env, null, 1).statusCode(200).body("data[1].value", equalTo("basic"));

            // a branch query writes nothing back to the environment's online store; a main query does
            long before = fields(env, 1);
            query(env, "exp", 1).statusCode(200);
            assertThat(fields(env, 1)).isEqualTo(before);

            // unknown branch
            query(env, "nope", 1)
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("code", equalTo("UNKNOWN_BRANCH"));
            query(env, "Not_A_Name", 1).statusCode(400).body("code", equalTo("INVALID_QUERY"));

            // listed; compared with main
            given().header(ENV, env)
                    .get("/v1/branches")
                    .then()
                    .statusCode(200)
                    .body("environment", equalTo(env))
                    .body("branches.size()", equalTo(1))
                    .body("branches[0].name", equalTo("exp"))
                    .body("branches[0].deployment_id", equalTo(experiment))
                    .body("branches[0].role", nullValue());
            given().header(ENV, env)
                    .get("/v1/branches/nope")
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("UNKNOWN_BRANCH"));
            given().header(ENV, env)
                    .get("/v1/deployments/" + main + "/diff/" + experiment)
                    .then()
                    .statusCode(200)
                    .body("features.find { it.name == 'user.tier' }.change", equalTo("changed"));

            // limited to a role: vera (viewer) may query the environment but not name the branch, until she holds the
            // role there
            deploy(env, EXPERIMENT, "exp", "developer").statusCode(200);
            given().header(ENV, env)
                    .get("/v1/branches/exp")
                    .then()
                    .statusCode(200)
                    .body("role", equalTo("developer"))
                    .body("revision", equalTo(2));
            String vera = "Bearer " + TestTokens.user(TestTokens.VIEWER);
            String dave = "Bearer " + TestTokens.user(TestTokens.DEVELOPER);
            query(env, "exp", 1, vera)
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("code", equalTo("UNAUTHORIZED"));
            query(env, null, 1, vera).statusCode(200);
            query(env, "exp", 1, dave).statusCode(200).body("data[1].value", equalTo("gold"));
            given().contentType(ContentType.JSON)
                    .body(Map.of("subject", "user:" + TestTokens.VIEWER, "environment", env, "role", "developer"))
                    .put("/v1/access/bindings")
                    .then()
                    .statusCode(201);
            query(env, "exp", 1, vera).statusCode(200).body("data[1].value", equalTo("gold"));

            // deleted: it stops serving; main still serves
            given().header(ENV, env)
                    .delete("/v1/branches/exp")
                    .then()
                    .statusCode(200)
                    .body("name", equalTo("exp"));
            given().header(ENV, env)
                    .delete("/v1/branches/exp")
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("UNKNOWN_BRANCH"));
            query(env, "exp", 1).statusCode(404).body("code", equalTo("UNKNOWN_BRANCH"));
            query(env, null, 1).statusCode(200).body("data[1].value", equalTo("basic"));
            given().header(ENV, env)
                    .get("/v1/deployments")
                    .then()
                    .statusCode(200)
                    .body("active_deployment_id", equalTo(main));
        } finally {
            given().queryParam("confirm", env).queryParam("force", "true").delete("/v1/environments/" + env);
        }
    }

    private static ValidatableResponse deploy(String env, String yaml, String branch, String role) {
        var request = given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", yaml)));
        if (branch != null) {
            request = request.queryParam("branch", branch);
        }
        if (role != null) {
            request = request.queryParam("role", role);
        }
        return request.post("/v1/deployments").then();
    }

    private static ValidatableResponse query(String env, String branch, long id) {
        return query(env, branch, id, null);
    }

    private static ValidatableResponse query(String env, String branch, long id, String authorization) {
        var request = given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", id), "outputs", List.of("user.credit_score", "user.tier")));
        if (branch != null) {
            request = request.header(BRANCH, branch);
        }
        if (authorization != null) {
            request = request.header("Authorization", authorization);
        }
        return request.post("/v1/query/online").then();
    }

    /** How many fields the user's hash has in the environment's namespace (docs/specs/online-store-redis.md). */
    private long fields(String env, long id) throws Exception {
        Redis redis = Redis.createClient(vertx, TestServers.redisUrl() + "/0");
        try {
            return redis.send(Request.cmd(Command.HLEN).arg("slate:" + env + ":user:i" + id))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS)
                    .toLong();
        } finally {
            redis.close();
        }
    }
}
