package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.slate.appliance.testing.TestTokens;
import dev.slate.control.audit.AuditLog;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import dev.slate.storage.spi.offline.SpineRow;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two environments with the same project share nothing: online values and cache, offline history, role
 * bindings and the environment recorded in the audit log; deleting one drops its data and leaves the other's
 * (docs/environments.md, "Isolation" and "Retention").
 */
@QuarkusTest
class EnvironmentIsolationTest {
    @RegisterExtension
    final EnvironmentCleaner cleanup = new EnvironmentCleaner();

    private static final String ENV = "X-Slate-Environment";
    private static final String PROJECT = """
            project: iso
            entities:
              user:
                key: id
                max_staleness: 1000d
                features:
                  id: int
                  credit_score: {type: float, ingested: true}
                  tier: {type: string, expression: "credit_score > 700.0 ? 'gold' : 'basic'"}
            """;
    private static final Instant AT = Instant.parse("2026-11-01T10:00:00Z");

    @Inject
    OfflineStore offline;

    @Inject
    AuditLog auditLog;

    @Inject
    Vertx vertx;

    private String version;

    @Test
    void nothingLeaksAcrossEnvironmentsAndDeletingOneDropsOnlyItsData() throws Exception {
        String a = TestProjects.environment("iso-a");
        String b = TestProjects.environment("iso-b");
        cleanup.track(a);
        cleanup.track(b);
        Instant start = Instant.now().minusSeconds(1);
        try {
            for (String env : List.of(a, b)) {
                given().contentType(ContentType.JSON).body(Map.of("name", env)).post("/v1/environments").then().statusCode(201);
                given().header(ENV, env).contentType(ContentType.JSON).body(Map.of("files", Map.of("slate.yaml", PROJECT)))
                        .post("/v1/deployments").then().statusCode(201);
            }

            version = given().header(ENV, b).get("/v1/features").then().statusCode(200)
                    .extract().path("features.find { it.name == 'user.credit_score' }.version");

            // values and cache: what a holds, b never sees
            ingest(a, 1, 720.5).statusCode(200);
            query(a, 1).body("data[0].value", equalTo(720.5f)).body("data[0].meta.cache_hit", equalTo(true)).body("data[1].value", equalTo("gold"));
            query(b, 1).body("data[0].value", nullValue()).body("data[1].value", nullValue());
            ingest(b, 2, 100.0).statusCode(200);
            query(a, 2).body("data[0].value", nullValue());
            assertThat(redisKeyExists(a, 1)).isTrue();
            assertThat(redisKeyExists(b, 1)).isFalse();

            // offline history
            assertThat(history(a, 1)).contains(720.5);
            assertThat(history(b, 1)).isEmpty();
            assertThat(history(b, 2)).contains(100.0);

            // role bindings: a viewer made developer in a may ingest there, not in b
            String vera = "Bearer " + TestTokens.user(TestTokens.VIEWER);
            given().contentType(ContentType.JSON).body(Map.of("subject", "user:" + TestTokens.VIEWER, "environment", a, "role", "developer"))
                    .put("/v1/access/bindings").then().statusCode(201);
            given().header("Authorization", vera).header(ENV, a).contentType(ContentType.JSON)
                    .body(Map.of("rows", List.of(Map.of("user.id", 3, "user.credit_score", 1.0, "__ts__", AT.toString()))))
                    .post("/v1/ingest").then().statusCode(200);
            given().header("Authorization", vera).header(ENV, b).contentType(ContentType.JSON)
                    .body(Map.of("rows", List.of(Map.of("user.id", 3, "user.credit_score", 1.0, "__ts__", AT.toString()))))
                    .post("/v1/ingest").then().statusCode(403);

            // the audit log records each request under its own environment
            assertThat(auditLog.flush(Duration.ofSeconds(10))).isTrue();
            List<Map<String, Object>> veras = given().queryParam("since", start.toString()).queryParam("subject", "user:" + TestTokens.VIEWER)
                    .queryParam("action", "ingest").queryParam("limit", 1000).get("/v1/audit").then().statusCode(200)
                    .extract().jsonPath().getList("entries");
            assertThat(veras).extracting(e -> e.get("environment") + " " + e.get("outcome")).contains(a + " OK", b + " DENIED");

            // deleting a (it serves traffic: force) drops a's online values, offline history and bindings, and nothing of b's
            given().queryParam("confirm", a).queryParam("force", "true").delete("/v1/environments/" + a).then().statusCode(200);
            assertThat(redisKeyExists(a, 1)).isFalse();
            assertThat(history(a, 1)).isEmpty();
            given().queryParam("environment", a).get("/v1/access/bindings").then().statusCode(200).body("bindings.size()", equalTo(0));
            given().header("Authorization", vera).header(ENV, a).contentType(ContentType.JSON)
                    .body(Map.of("rows", List.of(Map.of("user.id", 3, "user.credit_score", 1.0, "__ts__", AT.toString()))))
                    .post("/v1/ingest").then().statusCode(403);
            query(b, 2).body("data[0].value", equalTo(100.0f));
            assertThat(history(b, 2)).contains(100.0);
            assertThat(redisKeyExists(b, 2)).isTrue();

            // a new environment of the same name starts empty
            given().contentType(ContentType.JSON).body(Map.of("name", a)).post("/v1/environments").then().statusCode(201);
            given().header(ENV, a).contentType(ContentType.JSON).body(Map.of("files", Map.of("slate.yaml", PROJECT)))
                    .post("/v1/deployments").then().statusCode(201);
            query(a, 1).body("data[0].value", nullValue());
            assertThat(history(a, 1)).isEmpty();
        } finally {
            for (String env : List.of(a, b)) {
                given().queryParam("confirm", env).queryParam("force", "true").delete("/v1/environments/" + env);
            }
        }
    }

    private static ValidatableResponse ingest(String env, long id, double score) {
        return given().header(ENV, env).contentType(ContentType.JSON)
                .body(Map.of("rows", List.of(Map.of("user.id", id, "user.credit_score", score, "__ts__", AT.toString())))).post("/v1/ingest").then();
    }

    private static ValidatableResponse query(String env, long id) {
        return given().header(ENV, env).contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", id), "outputs", List.of("user.credit_score", "user.tier"), "include_meta", true))
                .post("/v1/query/online").then().statusCode(200);
    }

    /**
     * The credit score the offline store holds for the user at {@code AT}, read with the environment's own namespace
     * (both environments deploy the same project, so the feature's version is the same in each).
     */
    private Optional<Object> history(String env, long id) {
        PointInTimeResult r = offline.lookup(new PointInTimeQuery(env, "user", List.of(new SpineRow(EntityKey.of(id), AT)),
                List.of(new FeatureLookup(new FeatureSlot("credit_score", version, FeatureType.Scalar.FLOAT), Optional.empty()))));
        return r.get(0, 0) == null ? Optional.empty() : Optional.ofNullable(r.get(0, 0).value());
    }

    /** Whether the user's hash exists under the environment's namespace (docs/specs/online-store-redis.md). */
    private boolean redisKeyExists(String env, long id) throws Exception {
        Redis redis = Redis.createClient(vertx, TestServers.redisUrl());
        try {
            return redis.send(Request.cmd(Command.EXISTS).arg("slate:" + env + ":user:i" + id)).toCompletionStage().toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).toInteger() == 1;
        } finally {
            redis.close();
        }
    }
}
