package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw baseline of (a) and (b): the HMGETs the appliance issues for the same request, sent
 * directly with the Vert.x Redis client. One id: one HMGET of the 50 fields of one hash. Several ids:
 * one pipelined batch of HMGETs (one round trip). Every field must come back with a value.
 */
final class RedisHmgetOperation implements Operation {

    private final Redis redis;
    private final RedisBaselineKeys keys;
    private final IdSource ids;
    private final int idsPerRequest;

    RedisHmgetOperation(Redis redis, RedisBaselineKeys keys, IdSource ids, int idsPerRequest) {
        this.redis = requireNonNull(redis, "redis is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.ids = requireNonNull(ids, "ids is null");
        this.idsPerRequest = idsPerRequest;
    }

    @Override
    public String describe() {
        return idsPerRequest == 1
                ? "Redis HMGET x" + keys.fields().size() + " fields"
                : "Redis pipeline of " + idsPerRequest + " HMGET x"
                        + keys.fields().size() + " fields";
    }

    @Override
    public Future<Void> issue() {
        if (idsPerRequest == 1) {
            return redis.send(hmget(ids.next())).compose(RedisHmgetOperation::check);
        }
        long[] batch = ids.distinct(idsPerRequest);
        List<Request> requests = new ArrayList<>(batch.length);
        for (long id : batch) {
            requests.add(hmget(id));
        }
        return redis.batch(requests).compose(responses -> {
            if (responses.size() != batch.length) {
                return Future.failedFuture(
                        new BenchFailure("pipeline answered " + responses.size() + " of " + batch.length));
            }
            for (Response r : responses) {
                if (check(r).failed()) {
                    return check(r);
                }
            }
            return Future.succeededFuture();
        });
    }

    private Request hmget(long id) {
        Request request = Request.cmd(Command.HMGET).arg(keys.key(id));
        for (String field : keys.fields()) {
            request.arg(field);
        }
        return request;
    }

    private static Future<Void> check(Response r) {
        if (r == null) {
            return Future.failedFuture(new BenchFailure("HMGET returned nothing (key missing?)"));
        }
        for (int i = 0; i < r.size(); i++) {
            if (r.get(i) == null) {
                return Future.failedFuture(new BenchFailure("HMGET returned a missing field (cache not warm?)"));
            }
        }
        return Future.succeededFuture();
    }
}
