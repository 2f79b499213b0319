package dev.slate.appliance.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.sun.net.httpserver.HttpServer;
import dev.slate.appliance.offline.EnvironmentOfflineStore;
import dev.slate.appliance.testing.TestTokens;
import dev.slate.control.audit.AuditLog;
import dev.slate.storage.offline.IcebergOfflineStore;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two environments with the same project share nothing: online values and cache, offline history, role
 * bindings, secrets and the environment recorded in the audit log; deleting one drops its data and leaves the other's
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

    @Inject
    DataSource dataSource;

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
                given().contentType(ContentType.JSON)
                        .body(Map.of("name", env))
                        .post("/v1/environments")
                        .then()
                        .statusCode(201);
                given().header(ENV, env)
                        .contentType(ContentType.JSON)
                        .body(Map.of("files", Map.of("slate.yaml", PROJECT)))
                        .post("/v1/deployments")
                        .then()
                        .statusCode(201);
            }

            version = given().header(ENV, b)
                    .get("/v1/features")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("features.find { it.name == 'user.credit_score' }.version");

            // values and cache: what a holds, b never sees
            ingest(a, 1, 720.5).statusCode(200);
            query(a, 1)
                    .body("data[0].value", equalTo(720.5f))
                    .body("data[0].meta.cache_hit", equalTo(true))
                    .body("data[1].value", equalTo("gold"));
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
            given().contentType(ContentType.JSON)
                    .body(Map.of("subject", "user:" + TestTokens.VIEWER, "environment", a, "role", "developer"))
                    .put("/v1/access/bindings")
                    .then()
                    .statusCode(201);
            given().header("Authorization", vera)
                    .header(ENV, a)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "rows", List.of(Map.of("user.id", 3, "user.credit_score", 1.0, "__ts__", AT.toString()))))
                    .post("/v1/ingest")
                    .then()
                    .statusCode(200);
            given().header("Authorization", vera)
                    .header(ENV, b)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "rows", List.of(Map.of("user.id", 3, "user.credit_score", 1.0, "__ts__", AT.toString()))))
                    .post("/v1/ingest")
                    .then()
                    .statusCode(403);

            // the audit log records each request under its own environment
            assertThat(auditLog.flush(Duration.ofSeconds(10))).isTrue();
            List<Map<String, Object>> veras = given().queryParam("since", start.toString())
                    .queryParam("subject", "user:" + TestTokens.VIEWER)
                    .queryParam("action", "ingest")
                    .queryParam("limit", 1000)
                    .get("/v1/audit")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("entries");
            assertThat(veras)
                    .extracting(e -> e.get("environment") + " " + e.get("outcome"))
                    .contains(a + " OK", b + " DENIED");

            // deleting a (it serves traffic: force) drops a's online values, offline history and bindings, and nothing
            // of b's
            given().queryParam("confirm", a)
                    .queryParam("force", "true")
                    .delete("/v1/environments/" + a)
                    .then()
                    .statusCode(200);
            assertThat(redisKeyExists(a, 1)).isFalse();
            assertThat(history(a, 1)).isEmpty();
            given().queryParam("environment", a)
                    .get("/v1/access/bindings")
                    .then()
                    .statusCode(200)
                    .body("bindings.size()", equalTo(0));
            given().header("Authorization", vera)
                    .header(ENV, a)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "rows", List.of(Map.of("user.id", 3, "user.credit_score", 1.0, "__ts__", AT.toString()))))
                    .post("/v1/ingest")
                    .then()
                    .statusCode(403);
            query(b, 2).body("data[0].value", equalTo(100.0f));
            assertThat(history(b, 2)).contains(100.0);
            assertThat(redisKeyExists(b, 2)).isTrue();

            // a new environment of the same name starts empty
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", a))
                    .post("/v1/environments")
                    .then()
                    .statusCode(201);
            given().header(ENV, a)
                    .contentType(ContentType.JSON)
                    .body(Map.of("files", Map.of("slate.yaml", PROJECT)))
                    .post("/v1/deployments")
                    .then()
                    .statusCode(201);
            query(a, 1).body("data[0].value", nullValue());
            assertThat(history(a, 1)).isEmpty();
        } finally {
            for (String env : List.of(a, b)) {
                given().queryParam("confirm", env).queryParam("force", "true").delete("/v1/environments/" + env);
            }
        }
    }

    /**
     * Secrets belong to one environment (docs/environments.md, "Secrets"): the same {@code ${secret:NAME}} in the same
     * project resolves to each environment's own value, an environment without the secret never borrows another's,
     * listing shows only the environment's own, a change in one leaves the other alone, and each write is audited
     * under its environment. The resolver is an HTTP endpoint that answers with the Authorization header it received,
     * so the test sees exactly which value was used.
     */
    @Test
    void secretsResolveOnlyInTheirOwnEnvironment() throws Exception {
        HttpServer echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        echo.createContext("/", x -> {
            String auth = x.getRequestHeaders().getFirst("Authorization");
            byte[] body = ("{\"seen\": \"" + (auth == null ? "" : auth) + "\"}").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            try (var out = x.getResponseBody()) {
                out.write(body);
            }
        });
        echo.start();
        String secret = "iso_token_" + UUID.randomUUID().toString().replace("-", "");
        String project = String.format(Locale.ROOT, """
                project: iso-secrets
                entities:
                  user:
                    key: id
                    max_staleness: 0s
                    features:
                      id: int
                      seen: string
                resolvers:
                  - name: echo
                    kind: http
                    url: "http://127.0.0.1:%d/echo/{{user.id}}"
                    headers: {Authorization: "Bearer ${secret:%s}"}
                    outputs: {seen: /seen}
                    timeout: 5s
                """, echo.getAddress().getPort(), secret);
        String qa = TestProjects.environment("iso-qa");
        String prod = TestProjects.environment("iso-prod");
        String stage = TestProjects.environment("iso-stage");
        List.of(qa, prod, stage).forEach(cleanup::track);
        Instant start = Instant.now().minusSeconds(1);
        try {
            for (String env : List.of(qa, prod, stage)) {
                given().contentType(ContentType.JSON)
                        .body(Map.of("name", env))
                        .post("/v1/environments")
                        .then()
                        .statusCode(201);
                given().header(ENV, env)
                        .contentType(ContentType.JSON)
                        .body(Map.of("files", Map.of("slate.yaml", project)))
                        .post("/v1/deployments")
                        .then()
                        .statusCode(201);
            }
            String qaValue = "qa-" + UUID.randomUUID();
            String prodValue = "prod-" + UUID.randomUUID();
            given().header(ENV, qa)
                    .contentType(ContentType.JSON)
                    .body(Map.of("value", qaValue))
                    .put("/v1/secrets/" + secret)
                    .then()
                    .statusCode(201)
                    .body("name", equalTo(secret));
            given().header(ENV, prod)
                    .contentType(ContentType.JSON)
                    .body(Map.of("value", prodValue))
                    .put("/v1/secrets/" + secret)
                    .then()
                    .statusCode(201);

            seen(qa, 1).body("data[0].value", equalTo("Bearer " + qaValue));
            seen(prod, 2).body("data[0].value", equalTo("Bearer " + prodValue));
            // stage has no such secret: the resolver fails there, it never borrows qa's or prod's
            String stageAnswer = seen(stage, 3)
                    .body("data[0].value", nullValue())
                    .body("data[0].error.code", equalTo("RESOLVER_FAILED"))
                    .extract()
                    .asString();
            assertThat(stageAnswer).doesNotContain(qaValue).doesNotContain(prodValue);

            // listing shows the environment's own secrets only; values never
            given().header(ENV, qa)
                    .get("/v1/secrets")
                    .then()
                    .statusCode(200)
                    .body("environment", equalTo(qa))
                    .body("secrets.findAll { it.name == '" + secret + "' }.size()", equalTo(1));
            given().header(ENV, stage)
                    .get("/v1/secrets")
                    .then()
                    .statusCode(200)
                    .body("secrets.findAll { it.name == '" + secret + "' }.size()", equalTo(0));

            // a change in prod leaves qa alone; deleting qa's leaves prod's
            String prodValue2 = "prod2-" + UUID.randomUUID();
            given().header(ENV, prod)
                    .contentType(ContentType.JSON)
                    .body(Map.of("value", prodValue2))
                    .put("/v1/secrets/" + secret)
                    .then()
                    .statusCode(200);
            seen(prod, 4).body("data[0].value", equalTo("Bearer " + prodValue2));
            seen(qa, 5).body("data[0].value", equalTo("Bearer " + qaValue));
            given().header(ENV, qa).delete("/v1/secrets/" + secret).then().statusCode(204);
            given().header(ENV, qa)
                    .delete("/v1/secrets/" + secret)
                    .then()
                    .statusCode(404)
                    .body("code", equalTo("NOT_FOUND"));
            seen(qa, 6).body("data[0].value", nullValue()).body("data[0].error.code", equalTo("RESOLVER_FAILED"));
            seen(prod, 7).body("data[0].value", equalTo("Bearer " + prodValue2));

            // an environment that does not exist has no secrets
            given().header(ENV, "no-such-env-" + UUID.randomUUID().toString().substring(0, 8))
                    .contentType(ContentType.JSON)
                    .body(Map.of("value", "x"))
                    .put("/v1/secrets/" + secret)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("code", equalTo("NOT_FOUND"));

            // each write is audited under its own environment
            assertThat(auditLog.flush(Duration.ofSeconds(10))).isTrue();
            List<Map<String, Object>> puts = given().queryParam("since", start.toString())
                    .queryParam("action", "secret.put")
                    .queryParam("limit", 1000)
                    .get("/v1/audit")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("entries");
            assertThat(puts)
                    .filteredOn(e -> ("secret " + secret).equals(e.get("target")))
                    .extracting(e -> e.get("environment") + " " + e.get("outcome"))
                    .contains(qa + " OK", prod + " OK");
            assertThat(puts.toString()).doesNotContain(qaValue).doesNotContain(prodValue);

            // deleting an environment deletes its secrets
            given().queryParam("confirm", prod)
                    .queryParam("force", "true")
                    .delete("/v1/environments/" + prod)
                    .then()
                    .statusCode(200);
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement("select count(*) from secrets where environment = ?")) {
                s.setString(1, prod);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isZero();
                }
            }
        } finally {
            echo.stop(0);
            for (String env : List.of(qa, prod, stage)) {
                given().queryParam("confirm", env).queryParam("force", "true").delete("/v1/environments/" + env);
            }
        }
    }

    /**
     * Namespaces chosen at create (docs/environments.md, "Namespaces"): values land under the chosen Redis namespace, in
     * the chosen Redis database, and under the chosen feature-log namespace, and nowhere under the environment's name;
     * two environments never share one (409); bad choices are 400 and a namespace never changes (400 on PATCH).
     */
    @Test
    void chosenNamespacesKeepDataApartAndValuesLandWhereChosen() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String a = TestProjects.environment("ns-a");
        String b = TestProjects.environment("ns-b");
        String onlineA = "values_a_" + suffix;
        String offlineA = "log_a_" + suffix;
        String tableA = "tbl_a_" + suffix;
        int databaseB = 5;
        cleanup.track(a);
        cleanup.track(b);
        String c = cleanup.track(TestProjects.environment("ns-c"));
        try {
            given().contentType(ContentType.JSON)
                    .body(Map.of(
                            "name",
                            a,
                            "online_namespace",
                            onlineA,
                            "offline_namespace",
                            offlineA,
                            "offline_table_namespace",
                            tableA))
                    .post("/v1/environments")
                    .then()
                    .statusCode(201)
                    .body("online_namespace", equalTo(onlineA))
                    .body("online_database", nullValue())
                    .body("offline_namespace", equalTo(offlineA))
                    .body("offline_table_namespace", equalTo(tableA));
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", b, "online_database", databaseB))
                    .post("/v1/environments")
                    .then()
                    .statusCode(201)
                    .body("online_namespace", equalTo(b))
                    .body("online_database", equalTo(databaseB))
                    .body("offline_namespace", equalTo(b));
            given().get("/v1/environments/" + a)
                    .then()
                    .statusCode(200)
                    .body("online_namespace", equalTo(onlineA))
                    .body("offline_namespace", equalTo(offlineA));

            // nobody else may take a namespace in use: a chosen one, or one that is an environment's name by default
            for (Map<String, Object> taken : List.<Map<String, Object>>of(
                    Map.of("name", c, "online_namespace", onlineA),
                    Map.of("name", c, "offline_namespace", offlineA),
                    Map.of("name", c, "online_namespace", b),
                    Map.of("name", c, "online_namespace", b, "online_database", 7))) {
                given().contentType(ContentType.JSON)
                        .body(taken)
                        .post("/v1/environments")
                        .then()
                        .statusCode(409)
                        .contentType("application/problem+json")
                        .body("code", equalTo("CONFLICT"));
            }
            // bad choices, and namespaces never change
            for (Map<String, Object> bad : List.<Map<String, Object>>of(
                    Map.of("name", c, "online_namespace", "Bad:NS"),
                    Map.of("name", c, "offline_namespace", "x".repeat(64)),
                    Map.of("name", c, "online_database", 16),
                    Map.of("name", c, "online_database", -1))) {
                given().contentType(ContentType.JSON)
                        .body(bad)
                        .post("/v1/environments")
                        .then()
                        .statusCode(400)
                        .contentType("application/problem+json")
                        .body("code", equalTo("INVALID_QUERY"));
            }
            given().contentType(ContentType.JSON)
                    .body(Map.of("online_namespace", "elsewhere"))
                    .patch("/v1/environments/" + a)
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("INVALID_QUERY"));
            given().get("/v1/environments/" + c).then().statusCode(404);
            // a first deployment may not create an environment whose name is a namespace another environment chose
            String chosenAsName = cleanup.track(TestProjects.environment("ns-d"));
            given().contentType(ContentType.JSON)
                    .body(Map.of("name", c, "offline_namespace", chosenAsName))
                    .post("/v1/environments")
                    .then()
                    .statusCode(201);
            given().header(ENV, chosenAsName)
                    .contentType(ContentType.JSON)
                    .body(Map.of("files", Map.of("slate.yaml", PROJECT)))
                    .post("/v1/deployments")
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("code", equalTo("CONFLICT"));
            given().get("/v1/environments/" + chosenAsName).then().statusCode(404);

            for (String env : List.of(a, b)) {
                given().header(ENV, env)
                        .contentType(ContentType.JSON)
                        .body(Map.of("files", Map.of("slate.yaml", PROJECT)))
                        .post("/v1/deployments")
                        .then()
                        .statusCode(201);
            }
            version = given().header(ENV, a)
                    .get("/v1/features")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("features.find { it.name == 'user.credit_score' }.version");
            ingest(a, 1, 720.5).statusCode(200);
            ingest(b, 1, 100.0).statusCode(200);
            query(a, 1).body("data[0].value", equalTo(720.5f));
            query(b, 1).body("data[0].value", equalTo(100.0f));

            // online: a's values under its chosen namespace in the configured database, b's in database 5, nothing
            // under a's name
            assertThat(redisKeyExists(0, onlineA, 1)).isTrue();
            assertThat(redisKeyExists(0, a, 1)).isFalse();
            assertThat(redisKeyExists(databaseB, b, 1)).isTrue();
            assertThat(redisKeyExists(0, b, 1)).isFalse();

            // offline: a's history in the feature-log table of its own Iceberg namespace, under its chosen partition
            // namespace;
            // none in the configured table, none under its name; b's in the configured table
            OfflineStore raw = ((EnvironmentOfflineStore) offline).delegate();
            OfflineStore own = ((EnvironmentOfflineStore) offline).storeOf(a);
            assertThat(own).isNotSameAs(raw);
            assertThat(((IcebergOfflineStore) own).tableName()).contains(tableA + ".feature_log");
            assertThat(history(own, offlineA, 1)).contains(720.5);
            assertThat(history(own, a, 1)).isEmpty();
            assertThat(history(raw, offlineA, 1)).isEmpty();
            assertThat(history(raw, a, 1)).isEmpty();
            assertThat(history(offline, a, 1))
                    .as("callers name the environment")
                    .contains(720.5);
            assertThat(history(raw, b, 1)).contains(100.0);

            // deleting drops the data where it is
            given().queryParam("confirm", a)
                    .queryParam("force", "true")
                    .delete("/v1/environments/" + a)
                    .then()
                    .statusCode(200);
            assertThat(redisKeyExists(0, onlineA, 1)).isFalse();
            assertThat(history(own, offlineA, 1)).isEmpty();
            assertThat(redisKeyExists(databaseB, b, 1)).isTrue();
            given().queryParam("confirm", b)
                    .queryParam("force", "true")
                    .delete("/v1/environments/" + b)
                    .then()
                    .statusCode(200);
            assertThat(redisKeyExists(databaseB, b, 1)).isFalse();
        } finally {
            for (String env : List.of(a, b, c)) {
                given().queryParam("confirm", env).queryParam("force", "true").delete("/v1/environments/" + env);
            }
        }
    }

    private static ValidatableResponse seen(String env, long id) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", id), "outputs", List.of("user.seen")))
                .post("/v1/query/online")
                .then()
                .statusCode(200);
    }

    private static ValidatableResponse ingest(String env, long id, double score) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "rows", List.of(Map.of("user.id", id, "user.credit_score", score, "__ts__", AT.toString()))))
                .post("/v1/ingest")
                .then();
    }

    private static ValidatableResponse query(String env, long id) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "inputs",
                        Map.of("user.id", id),
                        "outputs",
                        List.of("user.credit_score", "user.tier"),
                        "include_meta",
                        true))
                .post("/v1/query/online")
                .then()
                .statusCode(200);
    }

    /**
     * The credit score the offline store holds for the user at {@code AT}, read with the environment's own namespace
     * (both environments deploy the same project, so the feature's version is the same in each).
     */
    private Optional<Object> history(String env, long id) {
        return history(offline, env, id);
    }

    private Optional<Object> history(OfflineStore store, String namespace, long id) {
        PointInTimeResult r = store.lookup(new PointInTimeQuery(
                namespace,
                "user",
                List.of(new SpineRow(EntityKey.of(id), AT)),
                List.of(new FeatureLookup(
                        new FeatureSlot("credit_score", version, FeatureType.Scalar.FLOAT), Optional.empty()))));
        return r.get(0, 0) == null
                ? Optional.empty()
                : Optional.ofNullable(r.get(0, 0).value());
    }

    /** Whether the user's hash exists under the environment's namespace (docs/specs/online-store-redis.md). */
    private boolean redisKeyExists(String env, long id) throws Exception {
        return redisKeyExists(0, env, id);
    }

    /** Whether the user's hash exists under {@code namespace} in Redis database {@code database}. */
    private boolean redisKeyExists(int database, String namespace, long id) throws Exception {
        Redis redis = Redis.createClient(vertx, TestServers.redisUrl() + "/" + database);
        try {
            return redis.send(Request.cmd(Command.EXISTS).arg("slate:" + namespace + ":user:i" + id))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(5, TimeUnit.SECONDS)
                            .toInteger()
                    == 1;
        } finally {
            redis.close();
        }
    }
}
