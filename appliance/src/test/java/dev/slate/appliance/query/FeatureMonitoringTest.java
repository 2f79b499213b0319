package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.slate.control.alerts.BuiltinAlerts;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Feature-value monitoring end to end (docs/operations.md, "Feature-value monitoring", "Drift"; docs/alerts.md):
 * statistics of computed values from the feature log, the endpoints and their problems, a reference made from an
 * offline query, drift after shifted online traffic firing an alert to a local webhook, and the built-in alert of
 * the usage outbox's bound.
 */
@QuarkusTest
@TestProfile(ObservabilityTestProfile.class)
class FeatureMonitoringTest {

    /** {@code user.level} is the key as a number: its values are whatever keys the traffic asks for. */
    static Map<String, String> project() {
        return Map.of("slate.yaml", """
                project: monitoring
                sources:
                  appdb: {kind: postgres, url: "%s", username: postgres}
                entities:
                  user:
                    key: id
                    max_staleness: 0s
                    features:
                      id: int
                      level: float
                      band: {type: string, expression: "level > 100.0 ? 'high' : 'low'"}
                resolvers:
                  - name: level
                    source: appdb
                    sql: "SELECT CAST(:id AS double precision) AS level"
                """.formatted(TestServers.postgres().url()));
    }

    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("monitoring", FeatureMonitoringTest::project);

    @RegisterExtension
    static final QueryEnvironment STATS =
            QueryEnvironment.deploying("monitoring-stats", FeatureMonitoringTest::project);

    @RegisterExtension
    static final QueryEnvironment OUTBOX = QueryEnvironment.deploying("outbox-alert", FraudProjects::fraud);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static HttpServer receiver;
    private static final List<JsonNode> RECEIVED = new CopyOnWriteArrayList<>();

    @Inject
    DataSource dataSource;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            RECEIVED.add(JSON.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void computedValuesHaveStatisticsEndpointsAndSeriesAndBadInputIsAProblem() {
        bulk(STATS, IntStream.rangeClosed(1, 50).boxed().toList(), List.of("user.level", "user.band"));

        JsonNode stats = Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> json(STATS.request().get("/v1/features/user.level/stats?window=5m"), 200),
                        s -> s.get("count").asLong() >= 50);
        assertThat(stats.get("feature").asText()).isEqualTo("user.level");
        assertThat(stats.get("window").asText()).isEqualTo("5m");
        assertThat(stats.get("null_ratio").asDouble()).isZero();
        assertThat(stats.get("min").asDouble()).isEqualTo(1.0);
        assertThat(stats.get("max").asDouble()).isEqualTo(50.0);
        assertThat(stats.get("mean").asDouble()).isEqualTo(25.5);
        assertThat(stats.get("quantiles").get("0.5").asDouble()).isBetween(22.0, 29.0);
        assertThat(stats.get("distinct").asDouble()).isBetween(48.0, 52.0);

        JsonNode band = Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> json(STATS.request().get("/v1/features/user.band/stats?window=1h"), 200),
                        s -> s.get("count").asLong() >= 50);
        assertThat(band.get("top_values").get(0).get("value").asText()).isEqualTo("low");
        assertThat(band.get("min").isNull()).isTrue();

        String series = "slate_feature_value_count{environment=\"" + STATS.name() + "\",feature=\"user.level\"";
        Awaitility.await().atMost(WAIT).until(() -> metrics().contains(series));

        problem(STATS.request().get("/v1/features/user.level/stats?window=2d"), 422, "VALIDATION_FAILED", "5m, 1h");
        problem(STATS.request().get("/v1/features/user.nope/stats"), 404, "NOT_FOUND", "unknown feature 'user.nope'");
        problem(
                STATS.request().get("/v1/features/user.level/drift?reference=none"),
                404,
                "NOT_FOUND",
                "no reference 'none'");
        problem(
                STATS.request().body(Map.of("name", "Bad Name", "job_id", "x")).post("/v1/monitoring/references"),
                422,
                "VALIDATION_FAILED",
                "reference name");

        // alert rules over statistics: an unknown feature or reference is refused with the reason
        problem(
                putRule(STATS, "nulls", rule("slate_feature_null_ratio{feature=\"user.levle\"}", 0.1, List.of())),
                422,
                "VALIDATION_FAILED",
                "unknown feature 'user.levle' (did you mean 'user.level'?)");
        problem(
                putRule(
                        ENV,
                        "drifting",
                        rule("slate_feature_psi{feature=\"user.level\",reference=\"nope\"}", 0.2, List.of())),
                422,
                "VALIDATION_FAILED",
                "unknown reference 'nope'");
        assertThat(putRule(STATS, "nulls", rule("slate_feature_null_ratio{feature=\"user.level\"}", 0.1, List.of()))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void shiftedTrafficDriftsFromAnOfflineReferenceAndTheDriftAlertFires() throws Exception {
        // the reference: an offline query computing user.level for keys 1..400
        List<Integer> keys = IntStream.rangeClosed(1, 400).boxed().toList();
        Map<String, Object> offline = new HashMap<>();
        offline.put("inputs", Map.of("user.id", keys));
        offline.put(
                "input_times", keys.stream().map(k -> "2026-05-01T00:00:00Z").toList());
        offline.put("outputs", List.of("user.level", "user.band"));
        offline.put("recompute", true);
        Response submitted = ENV.request().body(offline).post("/v1/query/offline");
        assertThat(submitted.statusCode()).as(submitted.asString()).isEqualTo(202);
        String jobId = submitted.jsonPath().getString("job_id");
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> ENV.request()
                                .get("/v1/query/offline/" + jobId)
                                .jsonPath()
                                .getString("status"),
                        s -> {
                            assertThat(s).isNotIn("FAILED", "CANCELLED");
                            return "SUCCEEDED".equals(s);
                        });
        Response created =
                ENV.request().body(Map.of("name", "train", "job_id", jobId)).post("/v1/monitoring/references");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        assertThat(created.jsonPath().getList("features.feature")).contains("user.level", "user.band");
        assertThat(created.jsonPath().getLong("features.find { it.feature == 'user.level' }.values"))
                .isEqualTo(400);
        assertThat(created.jsonPath().getString("features.find { it.feature == 'user.band' }.kind"))
                .isEqualTo("categorical");

        Response channel = ENV.request()
                .body(Map.of(
                        "kind",
                        "webhook",
                        "url",
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))
                .put("/v1/alerts/channels/hook");
        assertThat(channel.statusCode()).as(channel.asString()).isEqualTo(200);
        Response rule = putRule(
                ENV,
                "level_drift",
                rule("slate_feature_psi{feature=\"user.level\",reference=\"train\"}", 0.25, List.of("hook")));
        assertThat(rule.statusCode()).as(rule.asString()).isEqualTo(200);

        // shifted online traffic: keys 301..700, mostly above the reference's range
        bulk(ENV, IntStream.rangeClosed(301, 700).boxed().toList(), List.of("user.level", "user.band"));

        JsonNode drift = Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> json(ENV.request().get("/v1/features/user.level/drift?reference=train&window=1h"), null),
                        d -> d.has("current_values") && d.get("current_values").asLong() >= 400);
        assertThat(drift.get("bins").asInt()).isEqualTo(10);
        assertThat(drift.get("psi").asDouble()).isGreaterThan(1.0);
        assertThat(drift.get("ks_statistic").asDouble()).isBetween(0.6, 0.9);
        assertThat(drift.get("ks_p_value").asDouble()).isLessThan(1e-6);
        JsonNode bandDrift = json(ENV.request().get("/v1/features/user.band/drift?reference=train&window=1h"), 200);
        assertThat(bandDrift.get("psi").asDouble())
                .isGreaterThan(1.0); // by hand: 0.25·ln(4/3) + 0.2499·ln(2500) ≈ 2.03
        assertThat(bandDrift.get("ks_statistic").isNull()).isTrue();

        JsonNode firing = Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> RECEIVED.stream()
                                .filter(r -> "level_drift".equals(r.path("rule").asText())
                                        && "firing".equals(r.path("event").asText()))
                                .findFirst()
                                .orElse(null),
                        r -> r != null);
        assertThat(firing.get("environment").asText()).isEqualTo(ENV.name());
        assertThat(firing.get("value").asDouble()).isGreaterThan(0.25);
    }

    @Test
    void theUsageOutboxAtItsBoundFiresTheBuiltInAlertAndResolvesWhenItShips() throws Exception {
        Response channel = OUTBOX.request()
                .body(Map.of(
                        "kind",
                        "webhook",
                        "url",
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))
                .put("/v1/alerts/channels/ops");
        assertThat(channel.statusCode()).as(channel.asString()).isEqualTo(200);

        // Kafka is down in this profile: the outbox only grows, up to its bound of 40 records
        JsonNode firing = awaitNotice(OUTBOX.name(), "firing");
        assertThat(firing.get("severity").asText()).isEqualTo("critical");
        assertThat(firing.get("value").asDouble()).isGreaterThanOrEqualTo(1.0);
        // serving is never blocked: queries are answered while records are dropped
        Response q = OUTBOX.query(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user.email")));
        assertThat(q.statusCode()).as(q.asString()).isEqualTo(200);
        Awaitility.await().atMost(WAIT).until(() -> value(metrics(), "slate_usage_records_dropped_total") > 0);

        // the outbox ships (here: marked shipped, as the Kafka shipper does): the alert resolves
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("update usage_outbox set shipped_at = now() where shipped_at is null");
        }
        JsonNode resolved = awaitNotice(OUTBOX.name(), "resolved");
        assertThat(resolved.get("dedup_key").asText())
                .isEqualTo(firing.get("dedup_key").asText());
    }

    private static JsonNode awaitNotice(String environment, String event) {
        return Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> RECEIVED.stream()
                                .filter(r -> BuiltinAlerts.USAGE_OUTBOX_FULL.equals(
                                                r.path("rule").asText())
                                        && environment.equals(
                                                r.path("environment").asText())
                                        && event.equals(r.path("event").asText()))
                                .findFirst()
                                .orElse(null),
                        r -> r != null);
    }

    private static void bulk(QueryEnvironment env, List<Integer> keys, List<String> outputs) {
        Response r = env.bulk(Map.of("inputs", Map.of("user.id", keys), "outputs", outputs));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    }

    private static Map<String, Object> rule(String formula, double threshold, List<String> channels) {
        return AlertsTest.rule(formula, threshold, channels);
    }

    private static Response putRule(QueryEnvironment env, String name, Map<String, Object> body) {
        return env.request().body(body).put("/v1/alerts/" + name);
    }

    private static JsonNode json(Response r, Integer status) throws Exception {
        if (status != null) {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        }
        return JSON.readTree(r.asString());
    }

    private static void problem(Response r, int status, String code, String detail) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("code")).isEqualTo(code);
        assertThat(r.asString()).contains(detail);
    }

    private static String metrics() {
        return given().get("/q/metrics").asString();
    }

    private static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$")
                .matcher(metrics);
        List<Double> all = new ArrayList<>();
        while (m.find()) {
            all.add(Double.parseDouble(m.group(2)));
        }
        return all.stream().mapToDouble(Double::doubleValue).sum();
    }
}
