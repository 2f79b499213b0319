package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The floor of the serving benchmark (docs/benchmarks.md, "The floor"): the least a JVM HTTP feature
 * server on Slate's stack must do to answer the benchmark's cached queries. A Vert.x core HTTP server
 * (one instance per event loop, as Quarkus runs its HTTP server) that answers
 * {@code POST /v1/query/online} and {@code POST /v1/query/online/bulk} with the request body the
 * benchmark sends Slate: it parses the JSON, sends one HMGET per entity (one pipeline for a bulk
 * request) with the Vert.x Redis client, decodes the stored values as Slate does and writes Slate's
 * answer shape ({@link FloorAnswer}). No planning, no authentication, no logging, no metrics.
 *
 * <p>It learns which hash field holds which output from {@code PUT /floor/catalog}
 * ({@link FloorCatalog}); until then queries answer 503. {@code GET /health} answers 200.
 *
 * <pre>java -cp slate-serving-bench.jar dev.slate.serving.bench.FloorServer --port P --redis redis://127.0.0.1:6379</pre>
 */
public final class FloorServer {

    static final String USAGE = """
            Usage: FloorServer --port P [options]
              --port P             loopback port to listen on (required)
              --host HOST          (default 127.0.0.1; loopback only)
              --redis URL          the Redis the appliance uses (default redis://127.0.0.1:6379; loopback only)
              --redis-pool-size N  Redis connections (default 8, the appliance's slate.redis.pool-size)
              --event-loops N      HTTP server instances / event loops (default 2 x cores, as Quarkus)
            """;

    private FloorServer() {}

    /** The command line. */
    record Options(String host, int port, URI redis, int redisPoolSize, int eventLoops) {
        Options {
            requireNonNull(host, "host is null");
            requireNonNull(redis, "redis is null");
        }

        static Options parse(String[] args) {
            String host = "127.0.0.1";
            int port = -1;
            URI redis = URI.create("redis://127.0.0.1:6379");
            int pool = ServingBenchmark.REDIS_POOL_SIZE;
            int loops = 2 * Runtime.getRuntime().availableProcessors();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--help") || name.equals("-h")) {
                    throw new BenchOptions.UsageException("");
                }
                if (i + 1 >= args.length) {
                    throw new BenchOptions.UsageException("option " + name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--port" -> port = BenchOptions.intValue(name, value, 1, 65535);
                    case "--host" -> host = value;
                    case "--redis" -> redis = BenchOptions.redisUrl(value);
                    case "--redis-pool-size" -> pool = BenchOptions.intValue(name, value, 1, 256);
                    case "--event-loops" -> loops = BenchOptions.intValue(name, value, 1, 64);
                    default -> throw new BenchOptions.UsageException("unknown option " + name);
                }
            }
            if (port < 0) {
                throw new BenchOptions.UsageException("--port is required");
            }
            Loopback.require("--host", host);
            Loopback.require("--redis", redis.getHost());
            return new Options(host, port, redis, pool, loops);
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (BenchOptions.UsageException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.print(USAGE);
            System.exit(e.getMessage().isEmpty() ? ServingBenchmark.EXIT_OK : ServingBenchmark.EXIT_USAGE);
            return;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()));
        Redis redis = Redis.createClient(
                vertx,
                new RedisOptions()
                        .setConnectionString(options.redis().toString())
                        .setMaxPoolSize(options.redisPoolSize())
                        .setMaxPoolWaiting(1024)
                        .setMaxWaitingHandlers(2048));
        AtomicReference<FloorCatalog> catalog = new AtomicReference<>();
        AtomicLong queries = new AtomicLong();
        try {
            Sync.await(
                    vertx.deployVerticle(
                            () -> new Http(options, redis, catalog, queries),
                            new DeploymentOptions().setInstances(options.eventLoops())),
                    Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            System.err.println("floor server failed to start: " + e.getMessage());
            vertx.close();
            System.exit(ServingBenchmark.EXIT_SETUP_FAILED);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Sync.await(vertx.close(), Duration.ofSeconds(10))));
        System.out.println(
                "floor server listening on " + options.host() + ":" + options.port() + " (" + options.eventLoops()
                        + " event loops, Redis " + options.redis() + ", pool " + options.redisPoolSize() + ")");
    }

    /** One HTTP server instance; Vert.x spreads the connections of the shared port over the instances. */
    private static final class Http extends AbstractVerticle {
        private final Options options;
        private final Redis redis;
        private final AtomicReference<FloorCatalog> catalog;
        private final AtomicLong queries;

        Http(Options options, Redis redis, AtomicReference<FloorCatalog> catalog, AtomicLong queries) {
            this.options = options;
            this.redis = redis;
            this.catalog = catalog;
            this.queries = queries;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(new HttpServerOptions()
                            .setHost(options.host())
                            .setPort(options.port())
                            .setTcpNoDelay(true))
                    .requestHandler(this::handle)
                    .listen()
                    .<Void>mapEmpty()
                    .onComplete(started);
        }

        private void handle(HttpServerRequest req) {
            String path = req.path();
            if (req.method() == HttpMethod.GET && "/health".equals(path)) {
                req.response().end("ok");
            } else if (req.method() == HttpMethod.POST && "/v1/query/online".equals(path)) {
                req.body().onSuccess(body -> query(req, body, false));
            } else if (req.method() == HttpMethod.POST && "/v1/query/online/bulk".equals(path)) {
                req.body().onSuccess(body -> query(req, body, true));
            } else if (req.method() == HttpMethod.PUT && "/floor/catalog".equals(path)) {
                req.body().onSuccess(body -> {
                    try {
                        FloorCatalog c = FloorCatalog.fromJson(body.toJsonObject());
                        catalog.set(c);
                        req.response().setStatusCode(204).end();
                    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
                        problem(req, 400, "INVALID_CATALOG", e.getMessage());
                    }
                });
            } else {
                problem(req, 404, "NOT_FOUND", "no such endpoint: " + req.method() + " " + path);
            }
        }

        private void query(HttpServerRequest req, Buffer body, boolean bulk) {
            long start = System.nanoTime();
            FloorCatalog c = catalog.get();
            if (c == null) {
                problem(req, 503, "NOT_CONFIGURED", "no catalog yet (PUT /floor/catalog)");
                return;
            }
            long[] ids;
            List<FloorCatalog.Feature> features;
            try {
                JsonObject q = body.toJsonObject();
                ids = ids(q.getJsonObject("inputs"), c.keyFeature(), bulk);
                JsonArray outputs = q.getJsonArray("outputs");
                if (outputs == null || outputs.isEmpty()) {
                    throw new IllegalArgumentException("outputs is missing");
                }
                features = new ArrayList<>(outputs.size());
                for (int i = 0; i < outputs.size(); i++) {
                    FloorCatalog.Feature f = c.features().get(outputs.getString(i));
                    if (f == null) {
                        throw new IllegalArgumentException("unknown output " + outputs.getString(i));
                    }
                    features.add(f);
                }
            } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
                problem(req, 400, "INVALID_QUERY", e.getMessage());
                return;
            }
            Future<List<Response>> read;
            if (ids.length == 1 && !bulk) {
                read = redis.send(hmget(c, ids[0], features)).map(List::of);
            } else {
                List<Request> batch = new ArrayList<>(ids.length);
                for (long id : ids) {
                    batch.add(hmget(c, id, features));
                }
                read = redis.batch(batch);
            }
            String environment = req.getHeader(SlateEndpoint.ENVIRONMENT_HEADER);
            read.onSuccess(responses -> {
                        String[][] raw = new String[ids.length][features.size()];
                        for (int r = 0; r < ids.length; r++) {
                            Response row = responses.get(r);
                            for (int o = 0; o < features.size(); o++) {
                                Response v = row == null ? null : row.get(o);
                                raw[r][o] = v == null ? null : v.toString();
                            }
                        }
                        Buffer answer = FloorAnswer.write(
                                features,
                                ids,
                                raw,
                                bulk,
                                "q_floor_" + queries.incrementAndGet(),
                                environment == null ? "default" : environment,
                                System.nanoTime() - start);
                        req.response()
                                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                                .end(answer);
                    })
                    .onFailure(e -> problem(req, 502, "STORE_FAILED", String.valueOf(e.getMessage())));
        }

        private static Request hmget(FloorCatalog c, long id, List<FloorCatalog.Feature> features) {
            Request r = Request.cmd(Command.HMGET).arg(c.key(id));
            for (FloorCatalog.Feature f : features) {
                r.arg(f.field());
            }
            return r;
        }

        private static void problem(HttpServerRequest req, int status, String code, String detail) {
            req.response()
                    .setStatusCode(status)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                    .end(new JsonObject()
                            .put("status", status)
                            .put("code", code)
                            .put("detail", detail)
                            .encode());
        }
    }

    /** The entity keys of a request: one number, or (bulk) a non-empty list of numbers. */
    static long[] ids(JsonObject inputs, String keyFeature, boolean bulk) {
        if (inputs == null || !inputs.containsKey(keyFeature)) {
            throw new IllegalArgumentException("inputs must hold " + keyFeature);
        }
        Object key = inputs.getValue(keyFeature);
        if (!bulk) {
            if (!(key instanceof Number n)) {
                throw new IllegalArgumentException(keyFeature + " must be a number");
            }
            return new long[] {n.longValue()};
        }
        if (!(key instanceof JsonArray list) || list.isEmpty()) {
            throw new IllegalArgumentException(keyFeature + " must be a non-empty list in a bulk query");
        }
        long[] ids = new long[list.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!(list.getValue(i) instanceof Number n)) {
                throw new IllegalArgumentException(keyFeature + "[" + i + "] must be a number");
            }
            ids[i] = n.longValue();
        }
        return ids;
    }
}
