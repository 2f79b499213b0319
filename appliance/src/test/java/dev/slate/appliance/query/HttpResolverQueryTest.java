package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end: a project whose features come from {@code kind: http} resolvers, served by a real HTTP server
 * this test starts, deployed through the API and queried over REST, by outputs and by a named query.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class HttpResolverQueryTest {

    static final String TOKEN_SECRET = "http_test_token";
    static final String TOKEN = "e2e-T0ken-never-shown";

    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.of("http-resolvers");

    private static HttpServer server;
    private static final AtomicInteger unauthorized = new AtomicInteger();

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", HttpResolverQueryTest::handle);
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void handle(HttpExchange x) throws IOException {
        String[] path = x.getRequestURI().getPath().split("/");
        String body;
        int status = 200;
        if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            unauthorized.incrementAndGet();
            status = 401;
            body = "{}";
        } else if (path[1].equals("score")) {
            long id = Long.parseLong(path[2]);
            body = "{\"score\": " + (id / 100.0) + ", \"profile\": {\"segment\": \"seg-" + id + "\"}}";
        } else {
            status = 500;
            body = "{\"echo\": \"" + x.getRequestHeaders().getFirst("Authorization") + "\"}";
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    @BeforeEach
    void deploy() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        String yaml = """
                project: http-e2e
                entities:
                  user:
                    key: id
                    max_staleness: 0s
                    features:
                      id: int
                      score: float
                      segment: string
                      broken: float
                      band: {type: string, expression: "score > 0.5 ? 'high' : 'low'"}
                resolvers:
                  - name: scoring
                    kind: http
                    url: "%s/score/{{user.id}}"
                    headers: {Authorization: "Bearer ${secret:%s}"}
                    outputs: {score: /score, segment: /profile/segment}
                    timeout: 5s
                  - name: failing
                    kind: http
                    url: "%s/fail/{{user.id}}"
                    headers: {Authorization: "Bearer ${secret:%s}"}
                    retries: 1
                    outputs: {broken: /x}
                    timeout: 5s
                named_queries:
                  - name: scoring_check
                    version: 3
                    inputs: [user.id]
                    outputs: [user.band, user.segment]
                    owner: risk@example.com
                    tags: [fraud]
                """.formatted(base, TOKEN_SECRET, base, TOKEN_SECRET);
        ENV.deployOnce(Map.of("slate.yaml", yaml));
    }

    @Test
    void featuresOfHttpResolversAreServedAndAFailingOneIsAFieldErrorWithItsStatus() {
        Response r = ENV.query(Map.of(
                "inputs",
                Map.of("user.id", 70),
                "outputs",
                List.of("user.score", "user.segment", "user.band", "user.broken")));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        Answer a = Answer.of(r);
        assertThat(a.value("user.score").asDouble()).isEqualTo(0.7);
        assertThat(a.value("user.segment").asText()).isEqualTo("seg-70");
        assertThat(a.value("user.band").asText()).isEqualTo("high");
        JsonNode broken = a.field("user.broken");
        assertThat(broken.get("value").isNull()).isTrue();
        assertThat(broken.get("error").get("code").asText()).isEqualTo("RESOLVER_FAILED");
        assertThat(broken.get("error").get("message").asText())
                .contains("HTTP 500")
                .contains("(2 attempts)");
        assertThat(r.asString()).doesNotContain(TOKEN);
        assertThat(unauthorized).hasValue(0);
    }

    @Test
    void aNamedQueryIsCalledByNameListedInTheCatalogAndLabelledInMetrics() {
        Response r =
                ENV.query(Map.of("inputs", Map.of("user.id", 20), "query_name", "scoring_check", "include_meta", true));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        Answer a = Answer.of(r);
        assertThat(a.value("user.band").asText()).isEqualTo("low");
        assertThat(a.value("user.segment").asText()).isEqualTo("seg-20");
        assertThat(r.jsonPath().getString("meta.query_name")).isEqualTo("scoring_check");

        Response unknown = ENV.query(Map.of("inputs", Map.of("user.id", 20), "query_name", "scoring_chek"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.contentType()).startsWith(QueryEnvironment.PROBLEM);
        assertThat(unknown.asString()).contains("did you mean 'scoring_check'");

        JsonPath catalog = given().header(QueryEnvironment.HEADER, ENV.name())
                .get("/v1/features")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(catalog.getList("named_queries.name")).containsExactly("scoring_check");
        assertThat(catalog.getInt("named_queries[0].version")).isEqualTo(3);
        assertThat(catalog.getList("named_queries[0].outputs")).containsExactly("user.band", "user.segment");

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .containsPattern("slate_query_duration_seconds_count\\{[^}]*query_name=\"scoring_check\"[^}]*} [1-9]");
        assertThat(metrics).doesNotContain("scoring_chek");
    }
}
