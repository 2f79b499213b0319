package dev.slate.appliance.query;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * Reads Slate's online values straight from Redis (layout of docs/specs/online-store-redis.md:
 * hash {@code slate:ENV:ENTITY:iKEY}, field {@code FEATURE@VERSION}, value {@code MICROS|vTEXT}),
 * with its own connection, so tests observe what the server wrote without going through it.
 */
final class RedisValues implements AutoCloseable {
    private final Redis redis;

    RedisValues(Vertx vertx, String url) {
        this.redis = Redis.createClient(vertx, url);
    }

    static String key(String environment, String entity, long id) {
        return "slate:" + environment + ":" + entity + ":i" + id;
    }

    /** The raw hash value, if the field exists. */
    Optional<String> get(String key, String field) throws Exception {
        Response r = redis.send(Request.cmd(Command.HGET).arg(key).arg(field))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        return r == null ? Optional.empty() : Optional.of(r.toString());
    }

    /** Waits (write-back is asynchronous) until the field's value satisfies {@code until}; returns it. */
    String await(String key, String field, Predicate<String> until, Duration timeout) throws Exception {
        return Awaitility.await("Redis " + key + " " + field)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> get(key, field), v -> v.isPresent() && until.test(v.get()))
                .orElseThrow();
    }

    long fieldCount(String key) throws Exception {
        Response r = redis.send(Request.cmd(Command.HLEN).arg(key))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        return r.toLong();
    }

    @Override
    public void close() {
        redis.close();
    }
}
