package dev.slate.appliance.query;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP (protobuf) trace receiver for tests: a JDK HTTP server on loopback that answers every POST with
 * 200 and keeps the parsed {@code ExportTraceServiceRequest}s. One per test JVM, started on first use (the profile
 * needs its port before the application starts).
 */
final class OtlpReceiver {

    static final OtlpReceiver INSTANCE = new OtlpReceiver();

    private final HttpServer server;
    private final List<ExportTraceServiceRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    private OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (InputStream raw = exchange.getRequestBody()) {
                String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
                InputStream in = "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(raw) : raw;
                byte[] body = in.readAllBytes();
                paths.add(exchange.getRequestURI().getPath());
                requests.add(ExportTraceServiceRequest.parseFrom(body));
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                byte[] answer = new byte[0];
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<String> paths() {
        return List.copyOf(paths);
    }

    /** Every span received so far. */
    List<Span> spans() {
        List<Span> out = new ArrayList<>();
        for (ExportTraceServiceRequest r : requests) {
            for (ResourceSpans rs : r.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    out.addAll(ss.getSpansList());
                }
            }
        }
        return out;
    }
}
