package dev.slate.storage.redis;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.function.Function;

/** A standalone Redis server: a whole call is one pipeline on one pooled connection. */
final class StandalonePipeline implements RedisPipeline {

    private final Redis redis;
    private final int maxPerPipeline;

    StandalonePipeline(Redis redis, int maxPerPipeline) {
        this.redis = requireNonNull(redis, "redis is null");
        this.maxPerPipeline = maxPerPipeline;
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        return RedisPipeline.chunked(redis, requests, maxPerPipeline);
    }

    @Override
    public Future<Void> onEachPrimary(Function<Redis, Future<Void>> action) {
        return action.apply(redis);
    }

    @Override
    public Future<Void> ping() {
        return redis.send(Request.cmd(Command.PING)).mapEmpty();
    }

    @Override
    public void close() {
        redis.close();
    }
}
