package dev.slate.serving.source.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.engine.source.SecretResolver;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.ProjectValidationException;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SecretReference;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP resolver runner against a real HTTP server (the JDK's, on an ephemeral port) that this test
 * starts: answers, timeouts, retries, malformed and huge answers, the circuit breaker, the concurrency
 * limit, and secrets that never appear in a message.
 */
class HttpResolverRunnerTest {

    private static final String SECRET = "s3cr3t-T0ken/with+chars";

    private static Vertx vertx;
    private HttpServer server;
    private ExecutorService serverThreads;
    private HttpResolverRunner runner;
    private final AtomicLong breakerClock = new AtomicLong();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger flakyStatus = new AtomicInteger(500);

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/", this::handle);
        server.start();
        SecretResolver secrets = text -> switch (SecretReference.parse(text)) {
            case SecretReference.Secret s when s.name().equals("token") -> SECRET;
            case SecretReference.Secret s ->
                throw new IllegalArgumentException("secret '" + s.name() + "' is not configured");
            default -> text;
        };
        runner = new HttpResolverRunner(
                vertx, secrets, new HttpResolverRunner.Settings(64, Duration.ofMillis(1), breakerClock::get));
    }

    @AfterEach
    void stop() {
        release.countDown();
        runner.close();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getRawPath();
        String first = path.split("/")[1];
        hits.computeIfAbsent(first, k -> new AtomicInteger()).incrementAndGet();
        seen.add(Map.of(
                "method",
                x.getRequestMethod(),
                "uri",
                x.getRequestURI().getRawPath()
                        + (x.getRequestURI().getRawQuery() == null
                                ? ""
                                : "?" + x.getRequestURI().getRawQuery()),
                "authorization",
                String.valueOf(x.getRequestHeaders().getFirst("Authorization")),
                "body",
                new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            switch (first) {
                case "score" ->
                    send(
                            x,
                            200,
                            "{\"score\": 0.75, \"profile\": {\"segment\": \"gold\", \"a/b\": 3}, \"tags\": [\"x\", \"y\"]}");
                case "echo" ->
                    send(
                            x,
                            200,
                            new JsonObject()
                                    .put("body", seen.getLast().get("body"))
                                    .encode());
                case "slow", "gate" -> {
                    await(release);
                    send(x, 200, "{\"score\": 1.0}");
                }
                case "fail" ->
                    send(
                            x,
                            500,
                            "{\"error\": \"boom\", \"auth\": \""
                                    + x.getRequestHeaders().getFirst("Authorization") + "\"}");
                case "flaky" -> send(x, flakyStatus.get(), "{\"score\": 2.0}");
                case "missing" -> send(x, 404, "{}");
                case "bad" -> send(x, 200, "{\"score\": 0.5,, oops");
                case "huge" -> {
                    x.sendResponseHeaders(200, 0); // chunked, no Content-Length
                    byte[] chunk = "[1,2,3,4,5,6,7,8,9],".repeat(3000).getBytes(StandardCharsets.US_ASCII);
                    try (OutputStream out = x.getResponseBody()) {
                        out.write('[');
                        for (int i = 0; i < 2000; i++) { // about 120 MB unless the client stops reading
                            out.write(chunk);
                        }
                        out.write("0]".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException closedByClient) {
                        // expected: the runner resets the connection
                    }
                }
                case "huge-declared" -> {
                    x.sendResponseHeaders(200, 50_000_000L);
                    try {
                        OutputStream out = x.getResponseBody();
                        out.write(new byte[1024]);
                        out.flush();
                        await(release);
                        x.close();
                    } catch (IOException closedByClient) {
                        // expected
                    }
                }
                default -> send(x, 404, "{}");
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * A project with one HTTP resolver {@code r} on entity user; {@code resolver} holds the resolver's YAML lines after
     * {@code kind: http}, with its outputs on one line. The features it does not output are ingested.
     */
    private static FeatureGraph project(String resolver) throws ProjectValidationException {
        Matcher m = Pattern.compile("outputs: \\{(.*)}").matcher(resolver);
        if (!m.find()) {
            throw new IllegalArgumentException("no outputs line");
        }
        List<String> outputs = new ArrayList<>();
        for (String o : m.group(1).split(",")) {
            String f = o.split(":")[0].strip();
            outputs.add(f.startsWith("user.") ? f.substring(5) : f);
        }
        StringBuilder features = new StringBuilder();
        Map<String, String> types = new LinkedHashMap<>();
        types.put("name", "string");
        types.put("score", "float");
        types.put("segment", "string");
        types.put("weird", "int");
        types.put("tags", "list<string>");
        types.put("missing", "string");
        types.forEach((f, t) -> features.append("      ")
                .append(f)
                .append(": ")
                .append(outputs.contains(f) ? t : "{type: " + t + ", ingested: true}")
                .append('\n'));
        String yaml = """
                project: p
                entities:
                  user:
                    key: id
                    features:
                      id: int
                """ + features + """
                resolvers:
                  - name: r
                    kind: http
                """ + resolver.indent(4);
        return ProjectCompiler.compile(Map.of("slate.yaml", yaml));
    }

    private Map<String, Object> run(FeatureGraph graph, Object... params) throws Exception {
        return call(graph, params).get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<Map<String, Object>> call(FeatureGraph graph, Object... params) {
        ResolverNode r = graph.resolvers().get("r");
        return runner.run(graph, r, params).toCompletableFuture();
    }

    private Throwable failure(FeatureGraph graph, Object... params) throws Exception {
        try {
            run(graph, params);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        return fail("the run succeeded");
    }

    @Test
    void getsValuesByJsonPointerWithEncodedUrlAndSecretHeader() throws Exception {
        FeatureGraph g = project("""
                url: "%s/score/{{user.id}}?name={{name}}"
                headers: {Authorization: "Bearer ${secret:token}"}
                outputs: {score: /score, user.segment: /profile/segment, weird: /profile/a~1b, tags: /tags, missing: /nothing/here}
                """.formatted(base()));
        ResolverNode r = g.resolvers().get("r");
        assertThat(r.parameters()).extracting(Object::toString).containsExactly("user.id", "user.name");

        Map<String, Object> values = run(g, 42L, "Ann & Bob/é?");

        assertThat(values)
                .containsEntry("/score", 0.75)
                .containsEntry("/profile/segment", "gold")
                .containsEntry("/profile/a~1b", 3)
                .containsEntry("/tags", List.of("x", "y"))
                .containsEntry("/nothing/here", null);
        Map<String, String> request = seen.getLast();
        assertThat(request.get("uri")).isEqualTo("/score/42?name=Ann%20%26%20Bob%2F%C3%A9%3F");
        assertThat(request.get("authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(request.get("method")).isEqualTo("GET");
    }

    @Test
    void postBodyHoldsJsonEscapedValues() throws Exception {
        FeatureGraph g = project("""
                method: post
                url: "%s/echo"
                body: '{"id": {{user.id}}, "name": {{user.name}}, "token": "${secret:token}"}'
                outputs: {segment: /body}
                """.formatted(base()));
        String tricky = "quote \" backslash \\ newline \n tab \t end";

        Map<String, Object> values = run(g, 7L, tricky);

        JsonObject body = new JsonObject((String) values.get("/body"));
        assertThat(body.getLong("id")).isEqualTo(7L);
        assertThat(body.getString("name")).isEqualTo(tricky);
        assertThat(body.getString("token")).isEqualTo(SECRET);
        assertThat(seen.getLast().get("method")).isEqualTo("POST");

        assertThat(new JsonObject((String) run(g, 8L, null).get("/body")).getValue("name"))
                .isNull();
    }

    @Test
    void slowAnswerTimesOutAndTheRequestIsReset() throws Exception {
        FeatureGraph g = project("""
                url: "%s/slow/{{user.id}}"
                timeout: 150ms
                outputs: {score: /score}
                """.formatted(base()));

        assertThat(failure(g, 1L)).isInstanceOf(TimeoutException.class).hasMessageContaining("150 ms");
    }

    @Test
    void serverErrorIsRetriedThenReportedWithItsStatus() throws Exception {
        FeatureGraph g = project("""
                url: "%s/fail/{{user.id}}"
                retries: 2
                circuit_breaker: {failures: 100, cool_down: 1m}
                headers: {Authorization: "Bearer ${secret:token}"}
                outputs: {score: /score}
                """.formatted(base()));

        Throwable t = failure(g, 1L);

        assertThat(t)
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("(3 attempts)")
                .hasMessageContaining("GET " + base() + "/fail/{{user.id}}");
        assertThat(t.getMessage()).doesNotContain(SECRET).doesNotContain("boom");
        assertThat(hits.get("fail")).hasValue(3);
    }

    @Test
    void postIsNotRetriedUnlessDeclaredIdempotent() throws Exception {
        FeatureGraph once = project("""
                method: POST
                url: "%s/fail"
                body: '{"id": {{user.id}}}'
                outputs: {score: /score}
                """.formatted(base()));
        assertThat(failure(once, 1L)).hasMessageContaining("HTTP 500").hasMessageNotContaining("attempts");
        assertThat(hits.get("fail")).hasValue(1);

        FeatureGraph idempotent = project("""
                method: POST
                idempotent: true
                retries: 1
                url: "%s/fail"
                body: '{"id": {{user.id}}}'
                outputs: {score: /score}
                """.formatted(base()));
        assertThat(failure(idempotent, 1L)).hasMessageContaining("(2 attempts)");
        assertThat(hits.get("fail")).hasValue(3);
    }

    @Test
    void clientErrorIsNotRetriedAndHasItsStatus() throws Exception {
        FeatureGraph g = project("""
                url: "%s/missing/{{user.id}}"
                outputs: {score: /score}
                """.formatted(base()));

        assertThat(failure(g, 1L)).isInstanceOf(ResolverFailure.class).hasMessageContaining("HTTP 404");
        assertThat(hits.get("missing")).hasValue(1);
    }

    @Test
    void malformedJsonFailsTheRun() throws Exception {
        FeatureGraph g = project("""
                url: "%s/bad/{{user.id}}"
                outputs: {score: /score}
                """.formatted(base()));

        assertThat(failure(g, 1L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("HTTP 200 answer is not valid JSON");
    }

    @Test
    void hugeAnswerIsCutOffAtTheBoundWithoutReadingIt() throws Exception {
        FeatureGraph g = project("""
                url: "%s/huge/{{user.id}}"
                timeout: 10s
                max_response_bytes: 65536
                outputs: {score: /0}
                """.formatted(base()));
        assertThat(failure(g, 1L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("larger than max_response_bytes (65536 bytes)");

        FeatureGraph declared = project("""
                url: "%s/huge-declared/{{user.id}}"
                max_response_bytes: 65536
                outputs: {score: /0}
                """.formatted(base()));
        assertThat(failure(declared, 1L)).hasMessageContaining("larger than max_response_bytes");
    }

    @Test
    void breakerOpensAfterConsecutiveFailuresAndClosesAfterASuccessfulProbe() throws Exception {
        FeatureGraph g = project("""
                url: "%s/flaky/{{user.id}}"
                retries: 0
                circuit_breaker: {failures: 2, cool_down: 30s}
                outputs: {score: /score}
                """.formatted(base()));
        ResolverNode r = g.resolvers().get("r");

        assertThat(failure(g, 1L)).hasMessageContaining("HTTP 500");
        assertThat(runner.breakerOpen(r)).isFalse();
        assertThat(failure(g, 1L)).hasMessageContaining("HTTP 500");
        assertThat(runner.breakerOpen(r)).isTrue();
        assertThat(failure(g, 1L)).hasMessageContaining("circuit breaker open after 2 consecutive failures");
        assertThat(hits.get("flaky")).hasValue(2); // refused without a request

        breakerClock.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(failure(g, 1L)).hasMessageContaining("HTTP 500"); // the probe fails: open again
        assertThat(hits.get("flaky")).hasValue(3);
        assertThat(failure(g, 1L)).hasMessageContaining("circuit breaker open");

        flakyStatus.set(200);
        breakerClock.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(run(g, 1L)).containsEntry("/score", 2.0); // the probe succeeds: closed
        assertThat(runner.breakerOpen(r)).isFalse();
        assertThat(run(g, 1L)).containsEntry("/score", 2.0);
        assertThat(hits.get("flaky")).hasValue(5);
    }

    @Test
    void concurrencyLimitQueuesThenRefuses() throws Exception {
        FeatureGraph g = project("""
                url: "%s/gate/{{user.id}}"
                timeout: 20s
                max_concurrency: 2
                max_queue: 1
                outputs: {score: /score}
                """.formatted(base()));
        List<CompletableFuture<Map<String, Object>>> runs = new ArrayList<>();
        for (long i = 0; i < 3; i++) {
            runs.add(call(g, i));
        }
        waitUntil(() -> inFlight.get() == 2);

        CompletableFuture<Map<String, Object>> refused = call(g, 9L);
        assertThat(refused).isCompletedExceptionally();
        assertThat(failure(g, 10L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("too many requests: 2 in flight and 1 waiting");

        release.countDown();
        for (CompletableFuture<Map<String, Object>> run : runs) {
            assertThat(run.get(10, TimeUnit.SECONDS)).containsEntry("/score", 1.0);
        }
        assertThat(maxInFlight.get()).isEqualTo(2);
        assertThat(hits.get("gate")).hasValue(3);
    }

    @Test
    void noMessageEverHoldsASecretValue() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        List<String> messages = new ArrayList<>();
        for (String url : List.of(
                base() + "/fail?api_key=${secret:token}",
                base() + "/bad?api_key=${secret:token}",
                base() + "/missing?api_key=${secret:token}",
                "http://127.0.0.1:" + closedPort + "/x?api_key=${secret:token}",
                base() + "/slow?api_key=${secret:token}")) {
            FeatureGraph g = project("""
                    url: "%s&id={{user.id}}"
                    timeout: 300ms
                    retries: 1
                    headers: {Authorization: "Bearer ${secret:token}", X-Api-Key: "${secret:token}"}
                    outputs: {score: /score}
                    """.formatted(url));
            messages.add(failure(g, 1L).getMessage());
        }
        assertThat(messages)
                .hasSize(5)
                .allSatisfy(m -> assertThat(m)
                        .doesNotContain(SECRET)
                        .doesNotContain(RequestRenderer.encode(SECRET))
                        .doesNotContain("s3cr3t"));
        assertThat(messages.get(0)).contains("HTTP 500").contains("${secret:token}");
        assertThat(seen)
                .anySatisfy(r -> assertThat(r.get("uri")).contains("api_key=" + RequestRenderer.encode(SECRET)));
    }

    @Test
    void missingSecretFailsTheRunNamingOnlyTheReference() throws Exception {
        FeatureGraph g = project("""
                url: "%s/score/{{user.id}}"
                headers: {Authorization: "Bearer ${secret:other}"}
                outputs: {score: /score}
                """.formatted(base()));

        assertThat(failure(g, 1L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("secret 'other' is not configured");
        assertThat(hits).doesNotContainKey("score");
    }

    private static void waitUntil(BooleanSupplier condition) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }
}
