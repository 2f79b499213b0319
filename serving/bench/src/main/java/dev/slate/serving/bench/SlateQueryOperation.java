package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.function.Supplier;

/** One query to the appliance over a pooled HTTP/1.1 keep-alive connection; success per {@link ResponseCheck}. */
final class SlateQueryOperation implements Operation {

    static final long REQUEST_TIMEOUT_MILLIS = 10_000;

    private final HttpClient client;
    private final RequestOptions options;
    private final Supplier<Buffer> bodies;

    SlateQueryOperation(HttpClient client, SlateEndpoint endpoint, String path, Supplier<Buffer> bodies) {
        this.client = requireNonNull(client, "client is null");
        this.bodies = requireNonNull(bodies, "bodies is null");
        this.options = endpoint.request(HttpMethod.POST, path)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, "application/json")
                .setIdleTimeout(REQUEST_TIMEOUT_MILLIS);
    }

    @Override
    public String describe() {
        return "POST " + options.getURI();
    }

    @Override
    public Future<Void> issue() {
        Buffer body = bodies.get();
        // body() is asked for inside send()'s continuation: chained one level further out, it can run
        // after the first chunks of a large answer have been delivered, and those are then lost
        return client.request(options)
                .compose(req -> req.send(body)
                        .compose(resp -> resp.body().compose(b -> {
                            String problem = ResponseCheck.problem(resp.statusCode(), b);
                            return problem == null
                                    ? Future.succeededFuture()
                                    : Future.failedFuture(new BenchFailure(problem));
                        })));
    }
}
