package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds (or, without an appliance, writes) the Redis hashes of the raw baseline.
 *
 * <p>Discovery treats the appliance's key layout as opaque: it looks for the keys that end in
 * {@code :item:i<id>} under the key prefix, and for each cached feature {@code fN} takes the hash
 * field {@code fN@...} with the newest observation time. So the baseline reads exactly the keys and
 * fields the appliance reads, whatever its namespace and version parts are.
 */
final class RedisBaselineSetup {

    static final String SYNTHETIC_STEM = "slate_bench_baseline:item:i";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Redis redis;

    RedisBaselineSetup(Redis redis) {
        this.redis = requireNonNull(redis, "redis is null");
    }

    /**
     * Removes the cache entries of one environment's entity ({@code prefix:environment:entity:*}), so that the warm-up
     * writes every entry anew: an entry computed by an earlier run keeps that run's observation time and would expire
     * (its max staleness after it) in the middle of this one. Returns how many keys it removed.
     */
    long dropEntries(String prefix, String environment, String entity) {
        String pattern = prefix + ":" + environment + ":" + entity + ":*";
        long removed = 0;
        String cursor = "0";
        do {
            Response r = Sync.await(
                    redis.send(Request.cmd(Command.SCAN)
                            .arg(cursor)
                            .arg("MATCH")
                            .arg(pattern)
                            .arg("COUNT")
                            .arg(10_000)),
                    TIMEOUT);
            cursor = r.get(0).toString();
            List<Request> unlinks = new ArrayList<>();
            for (Response k : r.get(1)) {
                unlinks.add(Request.cmd(Command.UNLINK).arg(k.toString()));
            }
            if (!unlinks.isEmpty()) {
                Sync.await(redis.batch(unlinks), TIMEOUT);
                removed += unlinks.size();
            }
        } while (!"0".equals(cursor));
        return removed;
    }

    Optional<RedisBaselineKeys> discover(String prefix, String entity, long sampleId) {
        String pattern = prefix + ":*:" + entity + ":i" + sampleId;
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            Response r = Sync.await(
                    redis.send(Request.cmd(Command.SCAN)
                            .arg(cursor)
                            .arg("MATCH")
                            .arg(pattern)
                            .arg("COUNT")
                            .arg(10_000)),
                    TIMEOUT);
            cursor = r.get(0).toString();
            for (Response k : r.get(1)) {
                keys.add(k.toString());
            }
        } while (!"0".equals(cursor));
        RedisBaselineKeys best = null;
        long bestObserved = Long.MIN_VALUE;
        for (String key : keys) {
            Response all = Sync.await(redis.send(Request.cmd(Command.HGETALL).arg(key)), TIMEOUT);
            Map<String, String> hash = new HashMap<>();
            for (String field : all.getKeys()) {
                hash.put(field, all.get(field).toString());
            }
            List<String> fields = new ArrayList<>();
            long newest = Long.MIN_VALUE;
            for (int i = 1; i <= BenchSchema.CACHED_FEATURES; i++) {
                String wanted = BenchSchema.column(i) + "@";
                String chosen = null;
                long chosenAt = Long.MIN_VALUE;
                for (Map.Entry<String, String> e : hash.entrySet()) {
                    if (e.getKey().startsWith(wanted)) {
                        long at = observedAt(e.getValue());
                        if (chosen == null || at > chosenAt) {
                            chosen = e.getKey();
                            chosenAt = at;
                        }
                    }
                }
                if (chosen == null) {
                    break;
                }
                fields.add(chosen);
                newest = Math.max(newest, chosenAt);
            }
            if (fields.size() == BenchSchema.CACHED_FEATURES && newest > bestObserved) {
                String stem =
                        key.substring(0, key.length() - Long.toString(sampleId).length());
                best = new RedisBaselineKeys(stem, fields, "the appliance's own cache entries (" + key + ")");
                bestObserved = newest;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Writes hashes of the same shape as the appliance's for ids 1..ids (value text of the bench table). */
    RedisBaselineKeys writeSynthetic(int ids) {
        List<String> fields = new ArrayList<>();
        for (int i = 1; i <= BenchSchema.CACHED_FEATURES; i++) {
            fields.add(BenchSchema.column(i) + "@bench");
        }
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        List<Request> batch = new ArrayList<>();
        for (long id = 1; id <= ids; id++) {
            Request hset = Request.cmd(Command.HSET).arg(SYNTHETIC_STEM + id);
            for (int i = 1; i <= BenchSchema.CACHED_FEATURES; i++) {
                hset.arg(fields.get(i - 1)).arg(micros + "|v" + valueText(id, i));
            }
            batch.add(hset);
            if (batch.size() == 500 || id == ids) {
                Sync.await(redis.batch(batch), TIMEOUT);
                batch = new ArrayList<>();
            }
        }
        return new RedisBaselineKeys(
                SYNTHETIC_STEM, fields, "synthetic hashes written by the benchmark (same shape as the appliance's)");
    }

    void deleteSynthetic(int ids) {
        List<Request> batch = new ArrayList<>();
        for (long id = 1; id <= ids; id++) {
            batch.add(Request.cmd(Command.UNLINK).arg(SYNTHETIC_STEM + id));
            if (batch.size() == 1000 || id == ids) {
                Sync.await(redis.batch(batch), TIMEOUT);
                batch = new ArrayList<>();
            }
        }
    }

    /** The value of column {@code i} in row {@code id}, as the bench table holds it (see {@link BenchSchema#valueSql}). */
    static String valueText(long id, int i) {
        return switch (BenchSchema.kind(i)) {
            case INT -> Long.toString((id * 7919 + i * 104729L) % 1_000_000);
            case FLOAT -> Double.toString((id % 9973) * 0.25 + i);
            case TEXT -> "v" + (id % 1000) + "_" + i;
        };
    }

    private static long observedAt(String value) {
        int bar = value.indexOf('|');
        try {
            return Long.parseLong(bar < 0 ? value : value.substring(0, bar));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    static Future<Void> ping(Redis redis) {
        return redis.send(Request.cmd(Command.PING)).mapEmpty();
    }
}
