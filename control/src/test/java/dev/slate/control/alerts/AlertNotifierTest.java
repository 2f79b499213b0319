package dev.slate.control.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deliveries to real local HTTP receivers (a JDK HttpServer on an ephemeral port). */
class AlertNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failingCalls = new AtomicInteger();
    private final List<AlertNotifier.Outcome> recorded = new CopyOnWriteArrayList<>();
    private AlertNotifier notifier;

    record Received(String path, String body, Optional<String> signature) {}

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(
                    exchange.getRequestURI().getPath(),
                    body,
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst(AlertNotifier.SIGNATURE_HEADER))));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        server.createContext("/fail", exchange -> {
            exchange.getRequestBody().readAllBytes();
            failingCalls.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        notifier = new AlertNotifier(
                3,
                Duration.ofMillis(20),
                Duration.ofSeconds(5),
                (env, ref) -> ref.equals("${secret:hook_key}")
                        ? Optional.of("k3y")
                        : ref.equals("${secret:pd_key}") ? Optional.of("routing-1") : Optional.empty(),
                (smtp, from, to, subject, body) -> {
                    throw new IllegalStateException("no mail in this test");
                },
                "slate@localhost",
                recorded::add);
    }

    @AfterEach
    void stop() {
        notifier.close();
        server.stop(0);
    }

    @Test
    void slackGetsTheSummaryAsText() throws Exception {
        AlertNotifier.Outcome o = notifier.deliver(
                        event(AlertEvent.Type.FIRING), channel(AlertChannel.Kind.SLACK, "/ok", null))
                .get(10, TimeUnit.SECONDS);
        assertThat(o.delivered()).isTrue();
        assertThat(o.attempts()).isEqualTo(1);
        JsonNode body = JSON.readTree(received.get(0).body());
        assertThat(body.get("text").asText())
                .contains("[CRITICAL] errors_high firing in prod")
                .contains("owner: team-risk");
    }

    @Test
    void pagerDutyTriggersAndResolvesWithOneDedupKey() throws Exception {
        AlertChannel pd = channel(AlertChannel.Kind.PAGERDUTY, "/ok", "${secret:pd_key}");
        notifier.deliver(event(AlertEvent.Type.FIRING), pd).get(10, TimeUnit.SECONDS);
        notifier.deliver(event(AlertEvent.Type.RESOLVED), pd).get(10, TimeUnit.SECONDS);
        JsonNode trigger = JSON.readTree(received.get(0).body());
        JsonNode resolve = JSON.readTree(received.get(1).body());
        assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
        assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
        assertThat(trigger.get("dedup_key").asText())
                .isEqualTo("dedup-1")
                .isEqualTo(resolve.get("dedup_key").asText());
        assertThat(trigger.get("routing_key").asText()).isEqualTo("routing-1");
        assertThat(trigger.at("/payload/severity").asText()).isEqualTo("critical");
        assertThat(trigger.at("/payload/source").asText()).isEqualTo("slate/prod");
    }

    @Test
    void aGenericWebhookBodyIsSignedWithHmacSha256() throws Exception {
        notifier.deliver(event(AlertEvent.Type.FIRING), channel(AlertChannel.Kind.WEBHOOK, "/ok", "${secret:hook_key}"))
                .get(10, TimeUnit.SECONDS);
        Received r = received.get(0);
        assertThat(r.signature()).contains("sha256=" + AlertNotifier.hmac("k3y", r.body()));
        assertThat(r.signature()).isNotEqualTo(Optional.of("sha256=" + AlertNotifier.hmac("other", r.body())));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("schema").asText()).isEqualTo("slate.alert.v1");
        assertThat(body.get("event").asText()).isEqualTo("firing");
        assertThat(body.get("value").asDouble()).isEqualTo(3.5);
    }

    @Test
    void aReceiverAnswering500IsRetriedWithBackoffThenRecordedFailedWithoutBlocking() throws Exception {
        CompletableFuture<AlertNotifier.Outcome> pending =
                notifier.deliver(event(AlertEvent.Type.FIRING), channel(AlertChannel.Kind.SLACK, "/fail", null));
        // deliver returned before the receiver was even asked: evaluation is never held by a receiver
        AlertNotifier.Outcome o = pending.get(10, TimeUnit.SECONDS);
        assertThat(o.delivered()).isFalse();
        assertThat(o.attempts()).isEqualTo(3);
        assertThat(failingCalls).hasValue(3);
        assertThat(o.error()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 500"));
        assertThat(recorded).containsExactly(o);
    }

    private AlertChannel channel(AlertChannel.Kind kind, String path, String secret) {
        return new AlertChannel(
                "prod",
                "ch",
                kind,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
                Optional.ofNullable(secret),
                Optional.empty());
    }

    private static AlertEvent event(AlertEvent.Type type) {
        AlertRule rule = new AlertRule(
                "prod",
                "errors_high",
                AlertFormula.parse("rate(slate_feature_errors_total)"),
                AlertRule.Comparator.GT,
                1.0,
                Duration.ofMinutes(1),
                AlertRule.Severity.CRITICAL,
                "team-risk",
                List.of("ch"),
                Optional.empty());
        return new AlertEvent(rule, type, 3.5, Instant.parse("2026-12-06T12:00:00Z"), "dedup-1");
    }
}
