package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The benchmark's setup calls to the appliance: readiness, deploying the bench project, warming the cache. */
final class SlateAdmin {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    static final int WARM_BATCH = 100;

    private final HttpClient client;
    private final SlateEndpoint endpoint;
    private final PrintStream log;

    SlateAdmin(HttpClient client, SlateEndpoint endpoint, PrintStream log) {
        this.client = requireNonNull(client, "client is null");
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.log = requireNonNull(log, "log is null");
    }

    HttpAnswer call(HttpMethod method, String path, Buffer body) {
        RequestOptions options = endpoint.request(method, path).setIdleTimeout(CALL_TIMEOUT.toMillis());
        if (body != null) {
            options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        // body() inside send()'s continuation: one level further out, the first chunks of a large answer can be lost
        return Sync.await(
                client.request(options)
                        .compose(req -> (body == null ? req.send() : req.send(body))
                                .compose(resp -> resp.body().map(b -> new HttpAnswer(resp.statusCode(), b)))),
                CALL_TIMEOUT.plusSeconds(5));
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    void awaitReady(Duration timeout) {
        awaitReady(timeout, "/q/health/ready");
    }

    /** Waits until {@code GET healthPath} answers 200. */
    void awaitReady(Duration timeout, String healthPath) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpAnswer a = call(HttpMethod.GET, healthPath, null);
                if (a.status() == 200) {
                    return;
                }
                last = "HTTP " + a.status() + ": " + a.excerpt();
            } catch (RuntimeException e) {
                last = e.toString();
            }
            sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException("the server at " + endpoint.host() + ":" + endpoint.port()
                + " is not ready after " + timeout.toSeconds() + " s: " + last);
    }

    /**
     * Creates the benchmark's environment unless it exists: with the default settings a deployment does not create
     * its environment (docs/environments.md).
     */
    void ensureEnvironment() {
        String name = endpoint.environment();
        HttpAnswer got = call(HttpMethod.GET, "/v1/environments/" + name, null);
        if (got.status() == 200) {
            return;
        }
        if (got.status() != 404) {
            throw new IllegalStateException(
                    "reading environment '" + name + "' failed: HTTP " + got.status() + "\n" + got.excerpt());
        }
        JsonObject body =
                new JsonObject().put("name", name).put("description", "serving benchmark (serving/bench/run.sh)");
        HttpAnswer created = call(HttpMethod.POST, "/v1/environments", body.toBuffer());
        if (created.status() / 100 != 2) {
            throw new IllegalStateException(
                    "creating environment '" + name + "' failed: HTTP " + created.status() + "\n" + created.excerpt());
        }
        log.println("created environment " + name);
    }

    /**
     * Deletes the benchmark's environment with everything it holds (its deployments, its Redis namespace and its
     * offline history: docs/environments.md, "Retention"), when it exists; {@code force}, as it serves traffic.
     */
    void deleteEnvironment() {
        String name = endpoint.environment();
        HttpAnswer a = call(HttpMethod.DELETE, "/v1/environments/" + name + "?confirm=" + name + "&force=true", null);
        if (a.status() == 404) {
            return;
        }
        if (a.status() / 100 != 2) {
            throw new IllegalStateException(
                    "deleting environment '" + name + "' failed: HTTP " + a.status() + "\n" + a.excerpt());
        }
        log.println("deleted environment " + name + " (its Redis keys and offline history with it)");
    }

    /** Deploys and activates the bench project; returns the deployment as the appliance describes it. */
    JsonObject deploy(Map<String, String> files) {
        ensureEnvironment();
        JsonObject request = new JsonObject()
                .put("files", new JsonObject(new LinkedHashMap<String, Object>(files)))
                .put("activate", true);
        HttpAnswer a = call(HttpMethod.POST, "/v1/deployments", request.toBuffer());
        if (a.status() / 100 != 2) {
            throw new IllegalStateException(
                    "deploying the bench project failed: HTTP " + a.status() + "\n" + a.excerpt());
        }
        JsonObject deployment = a.body().toJsonObject();
        log.println("deployed bench project: " + summary(deployment));
        return deployment;
    }

    /**
     * Queries every id in 1..ids once (bulk, {@value #WARM_BATCH} at a time) so that the write-back
     * fills the cache, then repeats with {@code include_meta} until every value is a cache hit.
     */
    void warmCache(int ids, Duration timeout) {
        QueryBodies plain = QueryBodies.of(BenchProject.CACHED_ENTITY + ".id", BenchProject.cachedOutputs());
        QueryBodies meta = QueryBodies.withMeta(BenchProject.CACHED_ENTITY + ".id", BenchProject.cachedOutputs());
        long start = System.nanoTime();
        for (int from = 1; from <= ids; from += WARM_BATCH) {
            HttpAnswer a = call(
                    HttpMethod.POST,
                    "/v1/query/online/bulk",
                    plain.bulk(range(from, Math.min(ids, from + WARM_BATCH - 1))));
            String problem = ResponseCheck.problem(a.status(), a.body());
            if (problem != null) {
                throw new IllegalStateException("warming the cache failed: " + problem + "\n" + a.excerpt());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long misses = 0;
            for (int from = 1; from <= ids; from += WARM_BATCH) {
                HttpAnswer a = call(
                        HttpMethod.POST,
                        "/v1/query/online/bulk",
                        meta.bulk(range(from, Math.min(ids, from + WARM_BATCH - 1))));
                misses += countMisses(a);
            }
            if (misses == 0) {
                log.printf(
                        Locale.ROOT,
                        "cache warm: ids 1..%d x %d features are cache hits (%.1f s)%n",
                        ids,
                        BenchSchema.CACHED_FEATURES,
                        (System.nanoTime() - start) / 1e9);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the cache is not warm after " + timeout.toSeconds() + " s: " + misses
                                + " values are still not cache hits (is max_staleness honoured and Redis reachable from the appliance?)");
            }
            log.println("  waiting for cache writes: " + misses + " values not yet cache hits");
            sleep(Duration.ofMillis(500));
        }
    }

    private static long countMisses(HttpAnswer a) {
        String problem = ResponseCheck.problem(a.status(), a.body());
        if (problem != null) {
            throw new IllegalStateException("checking the cache failed: " + problem + "\n" + a.excerpt());
        }
        long misses = 0;
        for (Object row : a.body().toJsonObject().getJsonArray("data")) {
            for (Object field : (JsonArray) row) {
                JsonObject m = ((JsonObject) field).getJsonObject("meta");
                if (m == null || !Boolean.TRUE.equals(m.getBoolean("cache_hit"))) {
                    misses++;
                }
            }
        }
        return misses;
    }

    static long[] range(long from, long to) {
        long[] ids = new long[(int) (to - from + 1)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = from + i;
        }
        return ids;
    }

    private static String summary(JsonObject deployment) {
        StringBuilder sb = new StringBuilder();
        for (String key : new String[] {"id", "deployment_id", "version", "status", "content_hash", "active"}) {
            if (deployment.containsKey(key)) {
                sb.append(key).append('=').append(deployment.getValue(key)).append(' ');
            }
        }
        return sb.isEmpty() ? deployment.encode() : sb.toString().strip();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
