package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** Where the appliance listens and which environment the benchmark works in. */
record SlateEndpoint(String host, int port, String environment) {

    static final String ENVIRONMENT_HEADER = "X-Slate-Environment";

    SlateEndpoint {
        requireNonNull(host, "host is null");
        requireNonNull(environment, "environment is null");
    }

    /** An access token for the appliance ({@code $SLATE_BENCH_TOKEN}), sent as {@code Authorization: Bearer}; none when unset. */
    static final String TOKEN =
            System.getenv().getOrDefault("SLATE_BENCH_TOKEN", "").strip();

    /** Fresh request options (callers may add headers) for {@code method path}, with the environment header (and the token, if any). */
    RequestOptions request(HttpMethod method, String path) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setURI(path)
                .putHeader(ENVIRONMENT_HEADER, environment);
        return TOKEN.isEmpty() ? options : options.putHeader("Authorization", "Bearer " + TOKEN);
    }
}
