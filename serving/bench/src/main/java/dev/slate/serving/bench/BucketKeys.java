package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The Redis keys of the buckets and tiles Slate reads for one query of the aggregation benchmark, in the layout of
 * docs/specs/online-store-redis.md, section 7: {@code {prefix}:{ns}:{{user}:i{id}}:b:{name}@{version}:{bucket}} and
 * {@code …:t24:{name}@{version}:{tile}}. The
 * version of each aggregation (a hash Slate computes) is found by one {@code SCAN} of a user's bucket keys after the
 * backfill; the indexes are those Slate reads at T: the widest requested window of each aggregation, whole buckets up
 * to the one holding T.
 *
 * @param prefix the appliance's key prefix
 * @param namespace the environment's online namespace (its name)
 * @param versions per aggregation name (in {@link AggregationProject#aggregations()} order) its {@code name@version}
 */
record BucketKeys(String prefix, String namespace, Map<String, String> versions) {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    BucketKeys {
        requireNonNull(prefix, "prefix is null");
        requireNonNull(namespace, "namespace is null");
        versions = Map.copyOf(versions);
    }

    /** The SCAN MATCH pattern of every bucket of one user (no glob character besides the final {@code *}). */
    static String userPattern(String prefix, String namespace, long user) {
        return prefix + ":" + namespace + ":{" + AggregationProject.PARENT + ":i" + user + "}:b:*";
    }

    /**
     * The {@code name@version} part of a bucket key of {@link #userPattern}, or null when {@code key} is not one.
     * For {@code slate:aggmat:{user:i1}:b:spend@3f2a9c01b7de:493921} it is {@code spend@3f2a9c01b7de}.
     */
    static String aggregationOf(String key) {
        int b = key.indexOf("}:b:");
        int last = key.lastIndexOf(':');
        if (b < 0 || last <= b + 4) {
            return null;
        }
        return key.substring(b + 4, last);
    }

    /** Finds the version of every aggregation from the bucket keys of {@code user}; fails unless each has exactly one. */
    static BucketKeys discover(Redis redis, String prefix, String namespace, long user) {
        TreeSet<String> found = new TreeSet<>();
        String cursor = "0";
        do {
            Response r = Sync.await(
                    redis.send(Request.cmd(Command.SCAN)
                            .arg(cursor)
                            .arg("MATCH")
                            .arg(userPattern(prefix, namespace, user))
                            .arg("COUNT")
                            .arg(10_000)),
                    TIMEOUT);
            cursor = r.get(0).toString();
            for (Response k : r.get(1)) {
                String a = aggregationOf(k.toString());
                if (a != null) {
                    found.add(a);
                }
            }
        } while (!"0".equals(cursor));
        return fromNames(prefix, namespace, user, found);
    }

    static BucketKeys fromNames(String prefix, String namespace, long user, Iterable<String> names) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (String aggregation : AggregationProject.aggregations()) {
            List<String> matching = new ArrayList<>();
            for (String n : names) {
                if (n.startsWith(aggregation + "@")) {
                    matching.add(n);
                }
            }
            if (matching.size() != 1) {
                throw new IllegalStateException("expected the buckets of one version of " + aggregation + " under "
                        + userPattern(prefix, namespace, user) + ", found " + matching
                        + " (was the backfill run, and the environment new?)");
            }
            versions.put(aggregation, matching.getFirst());
        }
        return new BucketKeys(prefix, namespace, versions);
    }

    /** Buckets per tile (docs/specs/online-store-redis.md, section 7, "Tiles"). */
    static final int TILE_BUCKETS = 24;

    /**
     * Every key Slate reads for {@code user} at {@code now}, aggregation by aggregation, oldest first: for each whole
     * tile that no requested window starts strictly inside, the tile's key; for every other bucket of the widest
     * window, the bucket's key (docs/specs/online-store-redis.md, section 7, "Tiles"). With every tile state cached,
     * as in a steady benchmark, Slate reads exactly these.
     */
    List<String> keys(long user, Instant now) {
        long last = AggregationProject.bucketOf(now);
        List<String> keys = new ArrayList<>();
        String slot = prefix + ":" + namespace + ":{" + AggregationProject.PARENT + ":i" + user + "}:";
        for (String aggregation : AggregationProject.aggregations()) {
            long n = buckets(AggregationProject.widest(aggregation));
            List<Long> starts = new ArrayList<>();
            for (AggregationProject.Output o : AggregationProject.OUTPUTS) {
                if (o.aggregation().equals(aggregation)) {
                    starts.add(last - buckets(o.window()) + 1);
                }
            }
            String version = versions.get(aggregation);
            for (long b = last - n + 1; b <= last; ) {
                if (Math.floorMod(b, TILE_BUCKETS) == 0 && b + TILE_BUCKETS - 1 <= last && !split(b, starts)) {
                    keys.add(slot + "t" + TILE_BUCKETS + ":" + version + ":" + b / TILE_BUCKETS);
                    b += TILE_BUCKETS;
                } else {
                    keys.add(slot + "b:" + version + ":" + b++);
                }
            }
        }
        return keys;
    }

    private static long buckets(Duration window) {
        return window.toSeconds() / AggregationProject.BUCKET.toSeconds();
    }

    /** Whether a window starts strictly inside the tile that begins at bucket {@code first}. */
    private static boolean split(long first, List<Long> starts) {
        for (long start : starts) {
            if (start > first && start < first + TILE_BUCKETS) {
                return true;
            }
        }
        return false;
    }
}
