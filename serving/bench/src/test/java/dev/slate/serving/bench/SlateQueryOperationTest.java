package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Slate operation against a hand-written fake server on loopback. */
class SlateQueryOperationTest {

    private Vertx vertx;
    private HttpServer server;
    private HttpClient client;
    private final List<JsonObject> received = new CopyOnWriteArrayList<>();
    private final List<String> environments = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        server = Sync.await(
                vertx.createHttpServer()
                        .requestHandler(req -> req.body().onSuccess(body -> {
                            environments.add(req.getHeader(SlateEndpoint.ENVIRONMENT_HEADER));
                            received.add(body.toJsonObject());
                            int n = calls.getAndIncrement();
                            switch (n % 3) {
                                case 0 ->
                                    req.response().setStatusCode(200).end("{\"data\":[],\"errors\":[],\"meta\":{}}");
                                case 1 ->
                                    req.response()
                                            .setStatusCode(200)
                                            .end(
                                                    "{\"data\":[],\"errors\":[{\"code\":\"RESOLVER_TIMED_OUT\",\"feature\":\"item_live.f1\"}],\"meta\":{}}");
                                default -> req.response().setStatusCode(400).end("{\"code\":\"INVALID_QUERY\"}");
                            }
                        }))
                        .listen(0, "127.0.0.1"),
                Duration.ofSeconds(10));
        client = vertx.createHttpClient();
    }

    @AfterEach
    void stop() {
        Sync.await(vertx.close(), Duration.ofSeconds(10));
    }

    @Test
    void sendsTheBodyWithTheEnvironmentAndClassifiesAnswers() {
        QueryBodies bodies = QueryBodies.of("item.id", List.of("item.f1", "item.f2"));
        SlateQueryOperation op = new SlateQueryOperation(
                client,
                new SlateEndpoint("127.0.0.1", server.actualPort(), "bench"),
                "/v1/query/online",
                () -> bodies.single(7));

        Throwable none = Sync.await(op.issue().map(v -> (Throwable) null).otherwise(e -> e), Duration.ofSeconds(10));
        Throwable fieldError =
                Sync.await(op.issue().map(v -> (Throwable) null).otherwise(e -> e), Duration.ofSeconds(10));
        Throwable requestError =
                Sync.await(op.issue().map(v -> (Throwable) null).otherwise(e -> e), Duration.ofSeconds(10));

        assertThat(none).isNull();
        assertThat(fieldError)
                .isInstanceOf(BenchFailure.class)
                .hasMessage("errors in response: RESOLVER_TIMED_OUT (item_live.f1)");
        assertThat(requestError).isInstanceOf(BenchFailure.class).hasMessage("HTTP 400 INVALID_QUERY");
        assertThat(environments).containsOnly("bench");
        assertThat(received.get(0))
                .isEqualTo(new JsonObject("{\"inputs\":{\"item.id\":7},\"outputs\":[\"item.f1\",\"item.f2\"]}"));
    }

    @Test
    void bulkBodiesListTheIds() {
        QueryBodies bodies = QueryBodies.withMeta("item.id", List.of("item.f1"));
        assertThat(new JsonObject(bodies.bulk(new long[] {3, 1, 2}).toString()))
                .isEqualTo(new JsonObject(
                        "{\"inputs\":{\"item.id\":[3,1,2]},\"outputs\":[\"item.f1\"],\"include_meta\":true}"));
    }
}
