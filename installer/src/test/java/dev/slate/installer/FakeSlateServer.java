package dev.slate.installer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A hand-written fake of the Slate REST API on the JDK's HTTP server: each {@code METHOD path} answers
 * with a scripted status and body, and every request is recorded for assertions.
 */
final class FakeSlateServer implements AutoCloseable, AfterEachCallback {
    record Answer(int status, String contentType, String body, Map<String, String> headers) {
        Answer(int status, String contentType, String body) {
            this(status, contentType, body, Map.of());
        }
    }

    record Recorded(String method, String path, Map<String, List<String>> headers, String body, String query) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Deque<Answer>> sequences = new ConcurrentHashMap<>();
    final List<Recorded> requests = new CopyOnWriteArrayList<>();

    FakeSlateServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A started server for one test, registered with {@code @RegisterExtension}: it stops after the test. */
    static FakeSlateServer perTest() {
        try {
            return new FakeSlateServer();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake Slate server", e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /** Runs the CLI in process against this server ({@code --url} first, then {@code args}). */
    CliRun cli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--url";
        all[1] = url().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.of(all);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    FakeSlateServer answer(String method, String path, int status, String body) {
        String type = status >= 400 ? "application/problem+json" : "application/json";
        answers.put(method + " " + path, new Answer(status, type, body));
        return this;
    }

    FakeSlateServer answerText(String method, String path, int status, String body) {
        answers.put(method + " " + path, new Answer(status, "text/plain", body));
        return this;
    }

    /** Answers a route with each of {@code bodies} in turn (status 200), then the last one again and again. */
    FakeSlateServer answerInTurn(String method, String path, String... bodies) {
        Deque<Answer> queue = new ConcurrentLinkedDeque<>();
        for (String b : bodies) {
            queue.add(new Answer(200, "application/json", b));
        }
        sequences.put(method + " " + path, queue);
        return this;
    }

    /** Answers a route with each of {@code answers} in turn, then the last one again and again. */
    FakeSlateServer answerInTurn(String method, String path, Answer... answers) {
        sequences.put(method + " " + path, new ConcurrentLinkedDeque<>(List.of(answers)));
        return this;
    }

    Recorded last() {
        return requests.get(requests.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Recorded(
                exchange.getRequestMethod(),
                path,
                Map.copyOf(exchange.getRequestHeaders()),
                body,
                exchange.getRequestURI().getRawQuery()));
        Deque<Answer> sequence = sequences.get(exchange.getRequestMethod() + " " + path);
        Answer next = sequence == null ? null : sequence.size() > 1 ? sequence.poll() : sequence.peek();
        Answer answer = next != null
                ? next
                : answers.getOrDefault(
                        exchange.getRequestMethod() + " " + path,
                        new Answer(
                                404,
                                "application/problem+json",
                                "{\"code\":\"NOT_FOUND\",\"status\":404,\"detail\":\"no route " + path + "\"}"));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
