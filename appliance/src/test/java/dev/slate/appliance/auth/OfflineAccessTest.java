package dev.slate.appliance.auth;

import static dev.slate.appliance.auth.Responses.HEADER;
import static dev.slate.appliance.auth.Responses.PROBLEM;
import static dev.slate.appliance.auth.Responses.as;
import static dev.slate.appliance.auth.Responses.assertClean;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.slate.appliance.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Offline queries and the restricted-tag rule: a caller without the {@code pii} grant is refused, at
 * submission and at download, any query with an output that is tagged {@code pii} or computed from such a
 * feature (403 problem+json listing them); the refusal, submissions and cancellations are in the audit log.
 */
@QuarkusTest
class OfflineAccessTest {

    private static final String PATH = "/v1/query/offline";
    private static final String PROJECT = """
            project: offline_access
            entities:
              user:
                key: id
                features:
                  id: int
                  score: {type: float, ingested: true}
                  email: {type: string, ingested: true, tags: [pii]}
                  email_domain: {type: string, expression: "email.split('@')[1]"}
                  segment: {type: string, ingested: true}
            """;
    private static final String EMAIL = "offline-" + UUID.randomUUID() + "@example.com";

    private String env;

    @BeforeEach
    void deploy() {
        env = "t-offline-acl-" + UUID.randomUUID().toString().substring(0, 8);
        given().header(HEADER, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", PROJECT), "activate", true))
                .post("/v1/deployments")
                .then()
                .statusCode(201);
        given().header(HEADER, env)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "rows",
                        List.of(Map.of(
                                "user.id",
                                1,
                                "user.score",
                                0.5,
                                "user.email",
                                EMAIL,
                                "user.segment",
                                "a",
                                "__ts__",
                                "2026-05-01T11:00:00Z")),
                        "store_online",
                        false))
                .post("/v1/ingest")
                .then()
                .statusCode(200);
    }

    @Test
    void aCallerWithoutTheGrantIsRefusedQueriesNamingPiiOrWhatIsComputedFromIt() throws Exception {
        String vera = TestTokens.user(TestTokens.VIEWER);
        String requestId = "offline-pii-" + UUID.randomUUID();
        Response refused = as(vera).header(HEADER, env)
                .header("X-Request-Id", requestId)
                .contentType(ContentType.JSON)
                .body(query(List.of("user.score", "user.email_domain", "user.segment")))
                .post(PATH);
        refused.then()
                .statusCode(403)
                .contentType(PROBLEM)
                .body("code", equalTo("UNAUTHORIZED"))
                .body("errors.size()", equalTo(1))
                .body("errors[0].feature", equalTo("user.email_domain"))
                .body("errors[0].code", equalTo("UNAUTHORIZED"))
                .body(
                        "errors[0].message",
                        equalTo("feature 'user.email_domain' is withheld: it needs the 'pii' grant"));
        assertThat(refused.jsonPath().getString("detail")).contains("user.email_domain", "'pii' grant");
        assertClean(refused, EMAIL);

        // the tagged feature itself, through the Parquet form: refused before the upload is read
        Response parquet = as(vera).header(HEADER, env)
                .contentType("application/vnd.apache.parquet")
                .body(new byte[] {'P', 'A', 'R', '1'})
                .post(PATH + "?outputs=user.score,user.email");
        parquet.then().statusCode(403).contentType(PROBLEM).body("errors.feature", equalTo(List.of("user.email")));

        // the same caller may query what is not restricted
        String allowed = submit(vera, List.of("user.score", "user.segment"));
        assertThat(awaitFinished(vera, allowed)).isEqualTo("SUCCEEDED");

        // the pii-reader gets it; a caller without the grant cannot download that job's dataset either
        String priya = TestTokens.user(TestTokens.PII_READER);
        String full = submit(priya, List.of("user.score", "user.email"));
        assertThat(awaitFinished(priya, full)).isEqualTo("SUCCEEDED");
        Response mine = as(priya).header(HEADER, env).get(PATH + "/" + full + "/result?format=json");
        mine.then().statusCode(200);
        assertThat(mine.asString()).contains(EMAIL);
        Response theirs = as(vera).header(HEADER, env).get(PATH + "/" + full + "/result?format=json");
        theirs.then().statusCode(403).contentType(PROBLEM).body("errors.feature", equalTo(List.of("user.email")));
        assertClean(theirs, EMAIL);
        // the job's status says nothing restricted and stays readable
        as(vera).header(HEADER, env).get(PATH + "/" + full).then().statusCode(200);

        // the refusal is in the audit log, with the chain to the tagged input
        List<Map<String, Object>> entries = given().queryParam("subject", "user:" + TestTokens.VIEWER)
                .queryParam("action", "query.offline.submit")
                .queryParam("limit", "1000")
                .get("/v1/audit")
                .jsonPath()
                .getList("entries");
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("request_id")).isEqualTo(requestId);
            assertThat(e.get("outcome")).isEqualTo("DENIED");
            assertThat(e.get("status")).isEqualTo(403);
            assertThat(e.get("environment")).isEqualTo(env);
            assertThat(e.get("target")).isEqualTo("user.email_domain");
            assertThat((String) e.get("detail")).contains("user.email_domain <- user.email");
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("outcome")).isEqualTo("OK");
            assertThat(e.get("status")).isEqualTo(202);
            assertThat(e.get("target")).isEqualTo("offline job " + allowed);
        });
    }

    @Test
    void submissionsAndCancellationsAreAudited() {
        String dave = TestTokens.user(TestTokens.DEVELOPER);
        String id = submit(dave, List.of("user.score"));
        String requestId = "offline-cancel-" + UUID.randomUUID();
        Response cancel =
                as(dave).header(HEADER, env).header("X-Request-Id", requestId).delete(PATH + "/" + id);
        // the job may have finished already: either way the request is recorded with how it ended
        assertThat(cancel.statusCode()).as(cancel.asString()).isIn(200, 409);
        assertThat(cancel.getHeader("X-Request-Id")).isEqualTo(requestId);
        String unknownId = "offline-unknown-" + UUID.randomUUID();
        Response unknown =
                as(dave).header(HEADER, env).header("X-Request-Id", unknownId).delete(PATH + "/" + UUID.randomUUID());
        unknown.then().statusCode(404);

        List<Map<String, Object>> entries = given().queryParam("subject", "user:" + TestTokens.DEVELOPER)
                .queryParam("limit", "1000")
                .get("/v1/audit")
                .jsonPath()
                .getList("entries");
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("action")).isEqualTo("query.offline.submit");
            assertThat(e.get("outcome")).isEqualTo("OK");
            assertThat(e.get("method")).isEqualTo("POST");
            assertThat(e.get("target")).isEqualTo("offline job " + id);
            assertThat(e.get("environment")).isEqualTo(env);
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("request_id")).isEqualTo(requestId);
            assertThat(e.get("action")).isEqualTo("query.offline.cancel");
            assertThat(e.get("method")).isEqualTo("DELETE");
            assertThat(e.get("status")).isEqualTo(cancel.statusCode());
            assertThat(e.get("outcome")).isEqualTo(cancel.statusCode() == 200 ? "OK" : "FAILED");
            assertThat(e.get("target")).isEqualTo("offline job " + id);
            assertThat(e.get("environment")).isEqualTo(env);
            assertThat(e.get("remote_address")).isEqualTo("127.0.0.1");
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("request_id")).isEqualTo(unknownId);
            assertThat(e.get("action")).isEqualTo("query.offline.cancel");
            assertThat(e.get("status")).isEqualTo(404);
            assertThat(e.get("outcome")).isEqualTo("FAILED");
            assertThat((String) e.get("detail")).startsWith("NOT_FOUND");
        });
        // reading a job is not a mutation: not audited
        as(dave).header(HEADER, env).get(PATH + "/" + id).then().statusCode(200);
        List<Map<String, Object>> reads = given().queryParam("subject", "user:" + TestTokens.DEVELOPER)
                .queryParam("action", "query.offline")
                .queryParam("limit", "1000")
                .get("/v1/audit")
                .jsonPath()
                .getList("entries");
        assertThat(reads).isEmpty();
    }

    private static Map<String, Object> query(List<String> outputs) {
        return Map.of(
                "inputs",
                Map.of("user.id", List.of(1)),
                "input_times",
                List.of("2026-05-01T12:00:00Z"),
                "outputs",
                outputs);
    }

    private String submit(String token, List<String> outputs) {
        Response r = as(token)
                .header(HEADER, env)
                .contentType(ContentType.JSON)
                .body(query(outputs))
                .post(PATH);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        return r.jsonPath().getString("job_id");
    }

    private String awaitFinished(String token, String id) {
        return Awaitility.await("job " + id + " finishes")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> as(token)
                                .header(HEADER, env)
                                .get(PATH + "/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getString("status"),
                        status -> Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status));
    }
}
