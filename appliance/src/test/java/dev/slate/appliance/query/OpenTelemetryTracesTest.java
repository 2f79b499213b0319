package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenTelemetry spans of online queries, exported over OTLP/HTTP to a real receiver in the test (docs/operations.md,
 * "Traces (OpenTelemetry)"): the query span continues the caller's {@code traceparent}, has one child per store read,
 * resolver call and expression, agrees with {@code GET /v1/queries/{id}}, and carries no entity key.
 */
@QuarkusTest
@TestProfile(ObservabilityTestProfile.class)
class OpenTelemetryTracesTest {

    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("otel", FraudProjects::fraud);

    @RegisterExtension
    static final QueryEnvironment BROKEN = QueryEnvironment.deploying("otel-broken", FraudProjects::missingCreditTable);

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aQueryIsOneSpanWithAChildPerStoreReadResolverAndExpressionInTheCallersTrace() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentSpanId = "00f067aa0ba902b7";
        long key = 2;
        Response r = ENV.request()
                .header("traceparent", "00-" + traceId + "-" + parentSpanId + "-01")
                .body(Map.of(
                        "inputs", Map.of("user.id", key), "outputs", List.of("user.risk_score", "user.email_domain")))
                .post("/v1/query/online");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        String queryId = Answer.of(r).meta().get("query_id").asText();

        List<Span> spans = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> inTrace(traceId),
                        s -> s.stream().anyMatch(x -> x.getName().startsWith("slate.query")) && s.size() >= 6);
        Span query = spans.stream()
                .filter(s -> s.getName().equals("slate.query online"))
                .findFirst()
                .orElseThrow();
        assertThat(hex(query.getParentSpanId()))
                .as("continues the caller's span")
                .isEqualTo(parentSpanId);
        assertThat(query.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(attr(query, "slate.environment")).contains(ENV.name());
        assertThat(attr(query, "slate.query.name")).contains("adhoc");
        assertThat(attr(query, "slate.query.rows")).contains("1");
        assertThat(attr(query, "slate.outcome")).contains("ok");
        assertThat(attr(query, "slate.query.id")).contains(queryId);

        List<Span> children = spans.stream()
                .filter(s -> s.getParentSpanId().equals(query.getSpanId()))
                .toList();
        assertThat(children)
                .extracting(Span::getName)
                .contains(
                        "store_read online-store",
                        "resolver user_profile",
                        "expression user.risk_score",
                        "expression user.email_domain");
        Span profile = child(children, "resolver user_profile");
        assertThat(attr(profile, "slate.resolver.name")).contains("user_profile");
        assertThat(attr(profile, "slate.resolver.kind")).contains("postgres");
        assertThat(attr(profile, "slate.outcome")).contains("ok");
        Span risk = child(children, "expression user.risk_score");
        assertThat(risk.getStartTimeUnixNano())
                .as("risk_score reads a feature of user_profile: it starts after the resolver ended")
                .isGreaterThanOrEqualTo(profile.getEndTimeUnixNano() - 1_000);
        for (Span s : children) {
            assertThat(s.getStartTimeUnixNano()).isGreaterThanOrEqualTo(query.getStartTimeUnixNano());
            assertThat(s.getEndTimeUnixNano()).isLessThanOrEqualTo(query.getEndTimeUnixNano());
        }
        // the same spans as the stored trace: same count, same names
        Response stored = ENV.request().get("/v1/queries/" + queryId);
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(children).hasSize(stored.jsonPath().getList("spans").size());

        for (Span s : spans) {
            for (KeyValue kv : s.getAttributesList()) {
                assertThat(kv.getKey()).as("no attribute names an input").doesNotContain("user.id");
                String v = kv.getValue().hasStringValue() ? kv.getValue().getStringValue() : null;
                if (v != null) {
                    assertThat(v)
                            .as("attribute %s is not the entity key", kv.getKey())
                            .isNotEqualTo(String.valueOf(key));
                }
            }
        }
    }

    @Test
    void aFailingResolverSpanIsAnErrorAndAQueryWithoutTraceparentStartsItsOwnTrace() {
        Response r = BROKEN.query(Map.of("inputs", Map.of("user.id", 4), "outputs", List.of("user.credit_limit")));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        String queryId = Answer.of(r).meta().get("query_id").asText();
        Span query = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> OtlpReceiver.INSTANCE.spans().stream()
                                .filter(s -> attr(s, "slate.query.id").equals(Optional.of(queryId)))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        assertThat(query.getParentSpanId()).isEmpty();
        assertThat(attr(query, "slate.outcome")).contains("partial");
        assertThat(query.getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_ERROR);
        List<Span> credit = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> OtlpReceiver.INSTANCE.spans().stream()
                                .filter(s -> s.getTraceId().equals(query.getTraceId())
                                        && s.getName().equals("resolver user_credit"))
                                .toList(),
                        l -> !l.isEmpty());
        assertThat(attr(credit.get(0), "slate.outcome")).contains("failed");
        assertThat(credit.get(0).getStatus().getCode()).isEqualTo(StatusCode.STATUS_CODE_ERROR);
        assertThat(OtlpReceiver.INSTANCE.paths()).allMatch(p -> p.endsWith("/v1/traces"));
    }

    private static List<Span> inTrace(String traceId) {
        ByteString id = ByteString.copyFrom(HEX.parseHex(traceId));
        return OtlpReceiver.INSTANCE.spans().stream()
                .filter(s -> s.getTraceId().equals(id))
                .collect(Collectors.toList());
    }

    private static Span child(List<Span> children, String name) {
        return children.stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name));
    }

    private static String hex(ByteString b) {
        return HEX.formatHex(b.toByteArray());
    }

    private static Optional<String> attr(Span s, String key) {
        return s.getAttributesList().stream()
                .filter(kv -> kv.getKey().equals(key))
                .findFirst()
                .map(kv -> kv.getValue().hasStringValue()
                        ? kv.getValue().getStringValue()
                        : kv.getValue().hasIntValue()
                                ? String.valueOf(kv.getValue().getIntValue())
                                : kv.getValue().toString());
    }
}
