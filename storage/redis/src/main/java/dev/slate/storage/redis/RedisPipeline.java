package dev.slate.storage.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How commands reach Redis: one pipeline to a standalone server, or one pipeline per cluster node.
 * Answers are always aligned with the requests.
 */
sealed interface RedisPipeline permits StandalonePipeline, ClusterPipeline {

    /** Sends the requests pipelined; fails when any of them fails. */
    Future<List<Response>> batch(List<Request> requests);

    /** Runs {@code action} against every primary server in turn (a standalone server is its own primary). */
    Future<Void> onEachPrimary(Function<Redis, Future<Void>> action);

    Future<Void> ping();

    void close();

    /**
     * Sends the requests over {@code redis} as one pipeline, or as several pipelines in parallel when
     * there are more than {@code maxPerPipeline} (a connection holds at most that many in flight).
     */
    static Future<List<Response>> chunked(Redis redis, List<Request> requests, int maxPerPipeline) {
        int n = requests.size();
        if (n <= maxPerPipeline) {
            return redis.batch(requests);
        }
        List<Future<List<Response>>> parts = new ArrayList<>((n + maxPerPipeline - 1) / maxPerPipeline);
        for (int from = 0; from < n; from += maxPerPipeline) {
            parts.add(redis.batch(requests.subList(from, Math.min(n, from + maxPerPipeline))));
        }
        return Future.all(parts).map(all -> {
            List<Response> out = new ArrayList<>(n);
            for (Future<List<Response>> part : parts) {
                out.addAll(part.result());
            }
            return out;
        });
    }
}
