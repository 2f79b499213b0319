package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.engine.trace.TraceExport;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/queries/{query_id}}: the waterfall of one online query (docs/specs/query-trace.md). */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class QueryTraceTest {
    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("trace", FraudProjects::fraud);

    @RegisterExtension
    static final QueryEnvironment BROKEN =
            QueryEnvironment.deploying("trace-broken", FraudProjects::missingCreditTable);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TraceExport export;

    @Test
    void openTelemetryExportIsOffByDefault() {
        // docs/operations.md, "Traces (OpenTelemetry)": no SDK and no exporter unless an operator switches it on
        assertThat(export.active()).isFalse();
    }

    @Test
    void theTraceShowsTheStoreReadEveryResolverAndEveryExpression() throws Exception {
        Answer answer = Answer.of(ENV.query(
                Map.of("inputs", Map.of("user.id", 2), "outputs", List.of("user.risk_score", "user.email_domain"))));
        String queryId = answer.meta().get("query_id").asText();

        JsonNode trace = trace(ENV, queryId, 200);
        assertThat(trace.get("query_id").asText()).isEqualTo(queryId);
        assertThat(trace.get("environment").asText()).isEqualTo(ENV.name());
        assertThat(trace.get("query_name").isNull())
                .as("an ad-hoc query has no name")
                .isTrue();
        assertThat(trace.get("kind").asText()).isEqualTo("online");
        assertThat(trace.get("deployment_id").asText())
                .isEqualTo(answer.meta().get("deployment_id").asText());
        assertThat(trace.get("plan_hash").asText())
                .isEqualTo(answer.meta().get("plan_hash").asText());
        assertThat(trace.get("rows").asInt()).isEqualTo(1);
        assertThat(trace.get("outputs").asInt()).isEqualTo(2);
        assertThat(trace.get("feature_errors").asInt()).isZero();
        assertThat(trace.get("retention").asText()).isIn("window", "slow", "sample");
        assertThat(trace.get("spans_dropped").asInt()).isZero();

        List<JsonNode> spans = new ArrayList<>();
        trace.get("spans").forEach(spans::add);
        assertThat(spans)
                .extracting(s -> s.get("kind").asText() + " " + s.get("name").asText())
                .contains(
                        "store_read online-store",
                        "resolver user_profile",
                        "expression user.risk_score",
                        "expression user.email_domain",
                        "expression user.account_age_days");
        double previousStart = 0;
        for (JsonNode s : spans) {
            assertThat(s.get("start_us").asDouble()).as("spans in start order").isGreaterThanOrEqualTo(previousStart);
            assertThat(s.get("duration_us").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(s.get("outcome").asText()).isEqualTo("ok");
            previousStart = s.get("start_us").asDouble();
        }
        JsonNode store = span(spans, "store_read", "online-store");
        assertThat(store.get("row").isNull()).isTrue();
        assertThat(store.get("detail").asText()).contains("keys");
        JsonNode profile = span(spans, "resolver", "user_profile");
        JsonNode risk = span(spans, "expression", "user.risk_score");
        assertThat(profile.get("row").asInt()).isZero();
        // risk_score reads is_verified, which only user_profile gives: it cannot start before the resolver ended
        assertThat(risk.get("start_us").asDouble())
                .isGreaterThanOrEqualTo(profile.get("start_us").asDouble()
                        + profile.get("duration_us").asDouble()
                        - 0.2);
    }

    @Test
    void aFailingResolverIsInTheTraceAndTheTraceIsKeptAsAnError() throws Exception {
        Answer answer = Answer.of(
                BROKEN.query(Map.of("inputs", Map.of("user.id", 4), "outputs", List.of("user.credit_limit"))));
        JsonNode trace = trace(BROKEN, answer.meta().get("query_id").asText(), 200);
        assertThat(trace.get("feature_errors").asInt()).isEqualTo(1);
        assertThat(trace.get("retention").asText()).isEqualTo("error");
        List<JsonNode> spans = new ArrayList<>();
        trace.get("spans").forEach(spans::add);
        JsonNode credit = span(spans, "resolver", "user_credit");
        assertThat(credit.get("outcome").asText()).isEqualTo("failed");
        assertThat(credit.get("detail").asText()).contains("user_credit");
    }

    @Test
    void aTraceIsOnlyShownInItsEnvironmentAndUnknownIdsAreNotFound() throws Exception {
        String queryId = Answer.of(ENV.query(Map.of("inputs", Map.of("user.id", 3), "outputs", List.of("user.email"))))
                .meta()
                .get("query_id")
                .asText();
        JsonNode other = trace(BROKEN, queryId, 404);
        assertThat(other.get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(trace(ENV, "q_does_not_exist", 404).get("detail").asText()).contains("q_does_not_exist");
    }

    private static JsonNode span(List<JsonNode> spans, String kind, String name) {
        return spans.stream()
                .filter(s -> s.get("kind").asText().equals(kind)
                        && s.get("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " span " + name + " in " + spans));
    }

    private static JsonNode trace(QueryEnvironment env, String queryId, int status) throws Exception {
        Response r = env.request().get("/v1/queries/" + queryId);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        if (status != 200) {
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        return JSON.readTree(r.asString());
    }
}
