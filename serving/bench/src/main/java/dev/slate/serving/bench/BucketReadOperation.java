package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The raw baseline of the materialized mode: the bucket reads Slate makes for one query, sent directly with the Vert.x
 * Redis client. For each bucket and tile key of the user's widest windows at now ({@link BucketKeys#keys}) it reads
 * the generation and the cached merged state ({@code HMGET key ~g ~s}: what Slate's read script answers for a bucket
 * or tile whose state is cached), all keys in one script call, as Slate reads them in one script call (one round trip, atomic).
 * Nothing is decoded or merged. At least one bucket must exist, or the request fails.
 */
final class BucketReadOperation implements Operation {

    /** Every key's {@code ~g} and {@code ~s}; the only script of the baseline (loaded once with SCRIPT LOAD). */
    static final String SCRIPT = """
            local out = {}
            for i, key in ipairs(KEYS) do out[i] = redis.call('HMGET', key, '~g', '~s') end
            return out
            """;

    private final Redis redis;
    private final BucketKeys keys;
    private final IdSource users;
    private final String sha1;

    private BucketReadOperation(Redis redis, BucketKeys keys, IdSource users, String sha1) {
        this.redis = requireNonNull(redis, "redis is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.users = requireNonNull(users, "users is null");
        this.sha1 = requireNonNull(sha1, "sha1 is null");
    }

    /** Loads {@link #SCRIPT} into Redis (setup, not measured) and answers the operation. */
    static BucketReadOperation load(Redis redis, BucketKeys keys, IdSource users) {
        Response sha1 =
                Sync.await(redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT)), Duration.ofSeconds(10));
        return new BucketReadOperation(redis, keys, users, sha1.toString());
    }

    @Override
    public String describe() {
        return "Redis: 1 script call, HMGET ~g ~s of "
                + keys.keys(1, Instant.now()).size() + " bucket and tile keys";
    }

    @Override
    public Future<Void> issue() {
        List<String> bucketKeys = keys.keys(users.next(), Instant.now());
        Request request = Request.cmd(Command.EVALSHA).arg(sha1).arg(bucketKeys.size());
        for (String key : bucketKeys) {
            request.arg(key);
        }
        return redis.send(request).compose(answer -> {
            if (answer == null || answer.size() != bucketKeys.size()) {
                return Future.failedFuture(new BenchFailure("the script answered "
                        + (answer == null ? 0 : answer.size()) + " of " + bucketKeys.size() + " buckets"));
            }
            for (Response r : answer) {
                if (r != null && r.size() > 0 && r.get(0) != null) {
                    return Future.succeededFuture();
                }
            }
            return Future.failedFuture(new BenchFailure("no bucket of the user exists (buckets not filled?)"));
        });
    }
}
