package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.slate.control.alerts.AlertNotifier;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /v1/alerts} end to end (docs/alerts.md): rules over this replica's metrics evaluated by the
 * lease holder, notices to real local receivers (a JDK HttpServer in the test), de-duplication,
 * resolve notices, silences, retries of a failing receiver, and bad input refused as problem+json.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class AlertsTest {
    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("alerts", FraudProjects::fraud);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HOOK_SECRET =
            "t_alert_hook_" + UUID.randomUUID().toString().substring(0, 8);

    private static HttpServer receiver;
    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static final AtomicInteger FAILED_CALLS = new AtomicInteger();

    record Received(String path, JsonNode body, String raw, Optional<String> signature) {}

    private static volatile DataSource metadata;

    @Inject
    DataSource dataSource;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String path : List.of("/hook", "/pagerduty", "/slack")) {
            receiver.createContext(path, exchange -> {
                String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                RECEIVED.add(new Received(
                        path,
                        JSON.readTree(raw),
                        raw,
                        Optional.ofNullable(exchange.getRequestHeaders().getFirst(AlertNotifier.SIGNATURE_HEADER))));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
        }
        receiver.createContext("/broken", exchange -> {
            exchange.getRequestBody().readAllBytes();
            FAILED_CALLS.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        receiver.start();
    }

    @BeforeEach
    void setUp() throws Exception {
        metadata = dataSource;
    }

    @AfterAll
    static void clean() throws Exception {
        receiver.stop(0);
        if (metadata != null) {
            deleteRows(metadata, ENV.name());
        }
    }

    @Test
    void aRuleFiresOnceResolvesWithTheSameDedupKeyAndIsSilenced() throws Exception {
        given().header(QueryEnvironment.HEADER, ENV.name())
                .contentType(ContentType.JSON)
                .body(Map.of("value", "k3y"))
                .put("/v1/secrets/" + HOOK_SECRET)
                .then()
                .statusCode(Matchers.oneOf(200, 201)); // 201 new, 200 replaced
        putChannel("hook", Map.of("kind", "webhook", "url", url("/hook"), "secret", "${secret:" + HOOK_SECRET + "}"))
                .then()
                .statusCode(200);
        putChannel("pd", Map.of("kind", "pagerduty", "url", url("/pagerduty")))
                .then()
                .statusCode(200);
        Answer.of(ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user.email"))));

        String formula = "slate_feature_requests_total{environment=\"" + ENV.name() + "\",feature=\"user.email\"}";
        putRule("email_asked", rule(formula, 0.0, List.of("hook", "pd"))).then().statusCode(200);

        Received hook = await("/hook", "firing");
        assertThat(hook.signature()).contains("sha256=" + AlertNotifier.hmac("k3y", hook.raw()));
        assertThat(hook.body().get("rule").asText()).isEqualTo("email_asked");
        assertThat(hook.body().get("environment").asText()).isEqualTo(ENV.name());
        Received trigger = await("/pagerduty", "trigger");
        String dedup = trigger.body().get("dedup_key").asText();
        assertThat(hook.body().get("dedup_key").asText()).isEqualTo(dedup);
        assertThat(ruleState("email_asked")).isEqualTo("firing");

        // a few more rounds while it keeps firing: no second notice
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> notifications().stream()
                                .filter(n -> n.get("rule").asText().equals("email_asked")
                                        && n.get("status").asText().equals("delivered"))
                                .count()
                        >= 2);
        Awaitility.await().pollDelay(Duration.ofMillis(800)).atMost(WAIT).until(() -> true);
        assertThat(count("/hook", "firing")).isEqualTo(1);

        putRule("email_asked", rule(formula, 1e12, List.of("hook", "pd")))
                .then()
                .statusCode(200); // no longer breached
        Received resolve = await("/pagerduty", "resolve");
        assertThat(resolve.body().get("dedup_key").asText()).isEqualTo(dedup);
        assertThat(await("/hook", "resolved").body().get("dedup_key").asText()).isEqualTo(dedup);

        // silenced: the rule fires again, the notices are recorded as silenced and not sent
        given().header(QueryEnvironment.HEADER, ENV.name())
                .contentType(ContentType.JSON)
                .body(Map.of("rule", "email_asked", "duration", "1h", "reason", "maintenance"))
                .post("/v1/alerts/silences")
                .then()
                .statusCode(201);
        putRule("email_asked", rule(formula, 0.0, List.of("hook", "pd"))).then().statusCode(200);
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> notifications().stream()
                        .anyMatch(n -> n.get("status").asText().equals("silenced")));
        assertThat(count("/hook", "firing")).isEqualTo(1);
        ENV.request().delete("/v1/alerts/email_asked").then().statusCode(204);
    }

    @Test
    void aReceiverAnswering500IsRetriedThenRecordedFailed() {
        putChannel("broken", Map.of("kind", "slack", "url", url("/broken")))
                .then()
                .statusCode(200);
        putRule("always", rule("slate_dependency_up{dependency=\"metadata-database\"}", 0.5, List.of("broken")))
                .then()
                .statusCode(200);
        JsonNode failed = Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> notifications().stream()
                                .filter(n -> n.get("rule").asText().equals("always")
                                        && n.get("status").asText().equals("failed"))
                                .findFirst()
                                .orElse(null),
                        n -> n != null);
        assertThat(failed.get("attempts").asInt()).isEqualTo(4);
        assertThat(failed.get("error").asText()).contains("HTTP 500");
        assertThat(FAILED_CALLS.get()).isGreaterThanOrEqualTo(4);
        ENV.request().delete("/v1/alerts/always").then().statusCode(204);
    }

    @Test
    void badRulesAndChannelsAreRefusedWithTheReason() {
        Response unknown = putRule("bad_metric", rule("rate(slate_no_such_metric_total)", 1.0, List.of()));
        assertProblem(unknown, "unknown metric 'slate_no_such_metric_total'");
        Response typo = putRule("typo", rule("slate_feature_request_total", 1.0, List.of()));
        assertProblem(typo, "did you mean 'slate_feature_requests_total'");
        assertProblem(
                putRule("bad_formula", rule("slate_dependency_up{dependency=\"online-store\" / 2", 1.0, List.of())),
                "malformed formula");
        assertProblem(
                putRule("no_channel", rule("slate_dependency_up", 1.0, List.of("nowhere"))), "no channel 'nowhere'");
        Map<String, Object> noOwner = rule("slate_dependency_up", 1.0, List.of());
        noOwner.remove("owner");
        assertProblem(putRule("no_owner", noOwner), "owner");
        assertProblem(
                putChannel("ftp", Map.of("kind", "webhook", "url", "ftp://files.internal/x")),
                "must be an http:// or https:// URL");
        assertProblem(
                putChannel("file", Map.of("kind", "slack", "url", "file:///etc/passwd")),
                "must be an http:// or https:// URL");
        assertProblem(
                putChannel("plain", Map.of("kind", "webhook", "url", url("/hook"), "secret", "k3y")),
                "must be a reference ${secret:NAME}");
        assertThat(ENV.request().get("/v1/alerts").jsonPath().getList("name"))
                .doesNotContain("bad_metric", "typo", "bad_formula", "no_channel");
    }

    private static void assertProblem(Response r, String detail) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("code")).isEqualTo("VALIDATION_FAILED");
        assertThat(r.asString()).contains(detail);
    }

    static Map<String, Object> rule(String formula, double threshold, List<String> channels) {
        Map<String, Object> r = new HashMap<>();
        r.put("formula", formula);
        r.put("comparator", ">");
        r.put("threshold", threshold);
        r.put("window", "0s");
        r.put("severity", "critical");
        r.put("owner", "team-risk");
        r.put("channels", channels);
        return r;
    }

    private static Response putRule(String name, Map<String, Object> body) {
        return ENV.request().body(body).put("/v1/alerts/" + name);
    }

    private static Response putChannel(String name, Map<String, Object> body) {
        return ENV.request().body(body).put("/v1/alerts/channels/" + name);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private static String ruleState(String name) {
        return ENV.request().get("/v1/alerts").jsonPath().getString("find { it.name == '" + name + "' }.state.status");
    }

    private static List<JsonNode> notifications() throws Exception {
        JsonNode list =
                JSON.readTree(ENV.request().get("/v1/alerts/notifications").asString());
        List<JsonNode> out = new ArrayList<>();
        list.forEach(out::add);
        return out;
    }

    /** The first notice at {@code path} whose event (webhook) or event_action (PagerDuty) is {@code event}. */
    private static Received await(String path, String event) {
        return Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> RECEIVED.stream()
                                .filter(r -> r.path().equals(path) && event.equals(eventOf(r)))
                                .filter(r -> !r.body().has("environment")
                                        || r.body().get("environment").asText().equals(ENV.name()))
                                .findFirst()
                                .orElse(null),
                        r -> r != null);
    }

    private static long count(String path, String event) {
        return RECEIVED.stream()
                .filter(r -> r.path().equals(path) && event.equals(eventOf(r)))
                .count();
    }

    private static String eventOf(Received r) {
        JsonNode e = r.body().has("event_action")
                ? r.body().get("event_action")
                : r.body().get("event");
        return e == null ? null : e.asText();
    }

    static void deleteRows(DataSource ds, String environment) throws Exception {
        try (Connection c = ds.getConnection()) {
            for (String table :
                    List.of("alert_rules", "alert_channels", "alert_silences", "alert_state", "alert_notifications")) {
                try (PreparedStatement s = c.prepareStatement("delete from " + table + " where environment = ?")) {
                    s.setString(1, environment);
                    s.executeUpdate();
                }
            }
        }
    }
}
