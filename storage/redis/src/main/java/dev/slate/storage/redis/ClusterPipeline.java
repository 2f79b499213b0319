package dev.slate.storage.redis;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A Redis Cluster. The Vert.x cluster connection refuses a batch whose keys live on different
 * nodes (it checks the node of every key), so a call is grouped by node with
 * {@link RedisCluster#groupByNodes} and each group is sent as its own pipeline, all in parallel on
 * one cluster connection; answers are put back in request order.
 */
final class ClusterPipeline implements RedisPipeline {

    private final Vertx vertx;
    private final Redis redis;
    private final RedisOptions options;
    private final int maxPerPipeline;

    ClusterPipeline(Vertx vertx, Redis redis, RedisOptions options, int maxPerPipeline) {
        this.vertx = requireNonNull(vertx, "vertx is null");
        this.redis = requireNonNull(redis, "redis is null");
        this.options = requireNonNull(options, "options is null");
        this.maxPerPipeline = maxPerPipeline;
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        if (requests.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return redis.connect()
                .compose(conn -> RedisCluster.create(conn)
                        .groupByNodes(requests)
                        .compose(groups -> sendGroups(conn, requests, groups))
                        .eventually(() -> conn.close()));
    }

    private Future<List<Response>> sendGroups(
            RedisConnection conn, List<Request> requests, List<List<Request>> groups) {
        if (groups.size() == 1 && groups.get(0).size() <= maxPerPipeline && sameOrder(groups.get(0), requests)) {
            return conn.batch(requests);
        }
        List<List<Request>> pipelines = new ArrayList<>();
        for (List<Request> group : groups) {
            for (int from = 0; from < group.size(); from += maxPerPipeline) {
                pipelines.add(group.subList(from, Math.min(group.size(), from + maxPerPipeline)));
            }
        }
        List<Future<List<Response>>> sent = new ArrayList<>(pipelines.size());
        for (List<Request> pipeline : pipelines) {
            sent.add(conn.batch(pipeline));
        }
        return Future.all(sent).map(done -> {
            Map<Request, Integer> position = new IdentityHashMap<>(requests.size() * 2);
            for (int i = 0; i < requests.size(); i++) {
                position.put(requests.get(i), i);
            }
            Response[] out = new Response[requests.size()];
            for (int p = 0; p < pipelines.size(); p++) {
                List<Request> pipeline = pipelines.get(p);
                List<Response> answers = sent.get(p).result();
                for (int i = 0; i < pipeline.size(); i++) {
                    out[position.get(pipeline.get(i))] = answers.get(i);
                }
            }
            return Arrays.asList(out);
        });
    }

    private static boolean sameOrder(List<Request> group, List<Request> requests) {
        if (group.size() != requests.size()) {
            return false;
        }
        for (int i = 0; i < group.size(); i++) {
            if (group.get(i) != requests.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finds the primaries with {@code CLUSTER SLOTS} and runs {@code action} on a short-lived
     * standalone client to each in turn (SCAN iterates one node's keys only).
     */
    @Override
    public Future<Void> onEachPrimary(Function<Redis, Future<Void>> action) {
        return redis.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).compose(slots -> {
            Set<String> primaries = new LinkedHashSet<>();
            for (Response range : slots) {
                Response primary = range.get(2);
                primaries.add(nodeUri(primary.get(0).toString(), primary.get(1).toInteger()));
            }
            Future<Void> chain = Future.succeededFuture();
            for (String uri : primaries) {
                chain = chain.compose(ignored -> {
                    Redis node = Redis.createClient(
                            vertx,
                            new RedisOptions(options)
                                    .setType(RedisClientType.STANDALONE)
                                    .setEndpoints(new ArrayList<>(List.of(uri))));
                    return action.apply(node).eventually(() -> {
                        node.close();
                        return Future.succeededFuture();
                    });
                });
            }
            return chain;
        });
    }

    /** The URI of one node: scheme and credentials of the first seed, host and port from the cluster. */
    private String nodeUri(String host, int port) {
        URI seed = URI.create(options.getEndpoints().get(0));
        String h = host == null || host.isEmpty() || host.equals("?") ? seed.getHost() : host;
        if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        String userInfo = seed.getRawUserInfo() == null ? "" : seed.getRawUserInfo() + "@";
        return seed.getScheme() + "://" + userInfo + h + ":" + port;
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
