package dev.slate.storage.redis;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.AggregateBuckets;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.ValueCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The aggregation buckets on Redis (docs/specs/online-store-redis.md, section 7): row records and buckets are hashes
 * changed by the Lua scripts of {@link BucketScripts}; each call is one pipeline (grouped by node on a cluster).
 */
final class RedisAggregateBuckets implements AggregateBuckets {

    /** The row record's field that holds the row's current bucket: {@code {bucket}|i{long}} or {@code {bucket}|s{text}}. */
    static final String LOCATION_FIELD = "~loc";

    private final RedisKeyLayout layout;
    private final RedisPipeline pipeline;

    RedisAggregateBuckets(RedisKeyLayout layout, RedisPipeline pipeline) {
        this.layout = requireNonNull(layout, "layout is null");
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
    }

    @Override
    public CompletionStage<List<RowState>> mergeRows(List<RowMerge> merges) {
        if (merges.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<Function<Boolean, Request>> calls = new ArrayList<>(merges.size());
        for (RowMerge m : merges) {
            String key = layout.bucketRowKey(m.aggregation(), m.relatedEntity(), m.row());
            List<String> args = new ArrayList<>();
            args.add(Long.toString(Math.max(1, m.retentionMillis())));
            for (RowValue v : m.values()) {
                args.add(layout.field(v.slot()));
                args.add(layout.encodeValue(v.slot().type(), v.value(), v.observedAt()));
            }
            calls.add(withSource -> {
                Request r = BucketScripts.MERGE.call(withSource, List.of(key));
                args.forEach(r::arg);
                return r;
            });
        }
        return send(calls)
                .map(responses -> {
                    List<RowState> out = new ArrayList<>(merges.size());
                    for (int i = 0; i < merges.size(); i++) {
                        out.add(rowState(merges.get(i), responses.get(i)));
                    }
                    return out;
                })
                .toCompletionStage();
    }

    private RowState rowState(RowMerge merge, Response all) {
        Map<String, FeatureSlot> slots = new HashMap<>();
        for (FeatureSlot s : merge.slots()) {
            slots.put(layout.field(s), s);
        }
        Map<String, StoredValue> values = new HashMap<>();
        Optional<Location> location = Optional.empty();
        for (int j = 0; j + 1 < all.size(); j += 2) {
            String field = all.get(j).toString(StandardCharsets.UTF_8);
            Buffer raw = all.get(j + 1).toBuffer();
            if (field.equals(LOCATION_FIELD)) {
                location = decodeLocation(raw.toString(StandardCharsets.UTF_8));
                continue;
            }
            FeatureSlot slot = slots.get(field);
            if (slot != null) {
                values.put(slot.feature(), layout.decodeValue(slot.type(), raw));
            }
        }
        return new RowState(values, location);
    }

    static String encodeLocation(Location l) {
        return l.bucket() + "|" + (l.parent() instanceof Long p ? "i" + p : "s" + l.parent());
    }

    static Optional<Location> decodeLocation(String text) {
        int bar = text.indexOf('|');
        if (bar < 0 || bar + 1 >= text.length()) {
            return Optional.empty(); // no bucket: the row counts nowhere
        }
        long bucket = Long.parseLong(text.substring(0, bar));
        String parent = text.substring(bar + 2);
        return Optional.of(
                new Location(text.charAt(bar + 1) == 'i' ? (Object) Long.parseLong(parent) : parent, bucket));
    }

    /** A bucket's key and its tile's key, for PLACE. */
    private List<String> placeKeys(Aggregation aggregation, Location at) {
        return List.of(
                layout.bucketKey(aggregation, at.parent(), at.bucket()),
                layout.tileKey(aggregation, at.parent(), Math.floorDiv(at.bucket(), TILE_BUCKETS)));
    }

    @Override
    public CompletionStage<Void> place(List<Placement> placements) {
        List<Function<Boolean, Request>> calls = new ArrayList<>();
        for (Placement p : placements) {
            String field = RedisKeyLayout.taggedKey(p.row());
            String retention = Long.toString(Math.max(1, p.retentionMillis()));
            byte[] tombstone = (p.stampMicros() + "|x").getBytes(StandardCharsets.UTF_8);
            if (p.previous().isPresent() && !p.previous().equals(p.next())) {
                List<String> keys = placeKeys(p.aggregation(), p.previous().get());
                calls.add(withSource -> BucketScripts.PLACE
                        .call(withSource, keys)
                        .arg(field)
                        .arg(tombstone)
                        .arg(retention));
            }
            if (p.next().isPresent()) {
                List<String> keys = placeKeys(p.aggregation(), p.next().get());
                byte[] value = p.contribution()
                        .map(c -> Buffer.buffer(p.stampMicros() + "|c")
                                .appendBytes(c)
                                .getBytes())
                        .orElse(tombstone);
                calls.add(withSource -> BucketScripts.PLACE
                        .call(withSource, keys)
                        .arg(field)
                        .arg(value)
                        .arg(retention));
            }
            String rowKey = layout.bucketRowKey(p.aggregation(), p.relatedEntity(), p.row());
            String location =
                    p.next().map(RedisAggregateBuckets::encodeLocation).orElse("");
            calls.add(withSource ->
                    Request.cmd(Command.HSET).arg(rowKey).arg(LOCATION_FIELD).arg(location));
        }
        return send(calls).<Void>mapEmpty().toCompletionStage();
    }

    @Override
    public CompletionStage<List<List<List<Bucket>>>> read(List<List<BucketRange>> reads) {
        List<Function<Boolean, Request>> calls = new ArrayList<>();
        for (List<BucketRange> group : reads) {
            if (group.isEmpty()) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            List<String> items = new ArrayList<>();
            for (BucketRange r : group) {
                forEachItem(r, (index, tile) -> {
                    if (tile) {
                        keys.add(layout.tileKey(r.aggregation(), r.parent(), index / TILE_BUCKETS));
                        for (long b = index; b < index + TILE_BUCKETS; b++) {
                            keys.add(layout.bucketKey(r.aggregation(), r.parent(), b));
                        }
                        items.add(TILE_ITEM);
                    } else {
                        keys.add(layout.bucketKey(r.aggregation(), r.parent(), index));
                        items.add("1");
                    }
                });
            }
            calls.add(withSource -> {
                Request call = BucketScripts.READ.call(withSource, keys);
                items.forEach(call::arg);
                return call;
            });
        }
        return send(calls)
                .map(responses -> {
                    List<List<List<Bucket>>> out = new ArrayList<>(reads.size());
                    int at = 0;
                    for (List<BucketRange> group : reads) {
                        List<List<Bucket>> ranges = new ArrayList<>(group.size());
                        if (!group.isEmpty()) {
                            Response answer = responses.get(at++);
                            int[] k = {0};
                            for (BucketRange r : group) {
                                List<Bucket> buckets = new ArrayList<>();
                                forEachItem(r, (index, tile) -> {
                                    Response one = answer.get(k[0]++);
                                    Bucket read = tile ? tile(index, one) : bucket(index, one, 0);
                                    if (read != null) {
                                        buckets.add(read);
                                    }
                                });
                                ranges.add(buckets);
                            }
                        }
                        out.add(ranges);
                    }
                    return out;
                })
                .toCompletionStage();
    }

    /** A tile's item in the READ script: its key and its buckets' keys. */
    private static final String TILE_ITEM = Integer.toString(TILE_BUCKETS + 1);

    private interface Item {
        void accept(long index, boolean tile);
    }

    /** The range's items, ascending: each tile of the range once (by its first bucket), every other bucket alone. */
    private static void forEachItem(BucketRange r, Item item) {
        Set<Long> tiles = new HashSet<>(r.tiles());
        for (long b = r.first(); b <= r.last(); ) {
            if (Math.floorMod(b, TILE_BUCKETS) == 0 && tiles.contains(b / TILE_BUCKETS)) {
                item.accept(b, true);
                b += TILE_BUCKETS;
            } else {
                item.accept(b++, false);
            }
        }
    }

    /** One bucket of a READ answer, or null when it is absent; {@code from} is where its fields start. */
    private static Bucket bucket(long index, Response one, int from) {
        if (one == null || one.size() == from) {
            return null;
        }
        long generation = Long.parseLong(one.get(from).toString());
        if ("s".equals(one.get(from + 1).toString())) {
            return new Bucket(index, generation, Optional.of(one.get(from + 2).toBytes()), List.of());
        }
        List<byte[]> contributions = new ArrayList<>(one.size() - from - 2);
        for (int j = from + 2; j < one.size(); j++) {
            contributions.add(one.get(j).toBytes());
        }
        return new Bucket(index, generation, Optional.empty(), contributions);
    }

    /** One tile of a READ answer: its cached state, or its buckets that exist. */
    private static Bucket tile(long first, Response one) {
        long generation = Long.parseLong(one.get(0).toString());
        if ("s".equals(one.get(1).toString())) {
            return new Bucket(first, generation, Optional.of(one.get(2).toBytes()), List.of(), TILE_BUCKETS, List.of());
        }
        List<Bucket> parts = new ArrayList<>();
        for (int j = 2; j < one.size(); j++) {
            Bucket part = bucket(first + j - 2, one.get(j), 0);
            if (part != null) {
                parts.add(part);
            }
        }
        return new Bucket(first, generation, Optional.empty(), List.of(), TILE_BUCKETS, parts);
    }

    @Override
    public CompletionStage<Void> saveStates(List<StateSave> saves) {
        List<Function<Boolean, Request>> calls = new ArrayList<>(saves.size());
        for (StateSave s : saves) {
            if (s.tile()) {
                String key = layout.tileKey(s.aggregation(), s.parent(), s.bucket());
                calls.add(withSource -> BucketScripts.SAVE_TILE
                        .call(withSource, List.of(key))
                        .arg(Long.toString(s.generation()))
                        .arg(s.state())
                        .arg(Long.toString(Math.max(1, s.retentionMillis()))));
            } else {
                String key = layout.bucketKey(s.aggregation(), s.parent(), s.bucket());
                calls.add(withSource -> BucketScripts.SAVE
                        .call(withSource, List.of(key))
                        .arg(Long.toString(s.generation()))
                        .arg(s.state()));
            }
        }
        return send(calls).<Void>mapEmpty().toCompletionStage();
    }

    @Override
    public CompletionStage<Optional<Instant>> coverage(Aggregation aggregation) {
        return pipeline.batch(List.of(Request.cmd(Command.GET).arg(layout.bucketCoverageKey(aggregation))))
                .map(r -> {
                    Response v = r.getFirst();
                    return v == null
                            ? Optional.<Instant>empty()
                            : Optional.of(ValueCodec.fromEpochMicros(Long.parseLong(v.toString())));
                })
                .toCompletionStage();
    }

    @Override
    public CompletionStage<Void> cover(Aggregation aggregation, Instant from) {
        return pipeline.batch(List.of(Request.cmd(Command.SET)
                        .arg(layout.bucketCoverageKey(aggregation))
                        .arg(Long.toString(ValueCodec.toEpochMicros(from)))))
                .<Void>mapEmpty()
                .toCompletionStage();
    }

    /** Sends the calls with EVALSHA; when the server does not know a script, the whole call again with EVAL. */
    private Future<List<Response>> send(List<Function<Boolean, Request>> calls) {
        if (calls.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return pipeline.batch(build(calls, false))
                .recover(failure -> NewerWinsScript.isNoScript(failure)
                        ? pipeline.batch(build(calls, true))
                        : Future.failedFuture(failure));
    }

    private static List<Request> build(List<Function<Boolean, Request>> calls, boolean withSource) {
        List<Request> out = new ArrayList<>(calls.size());
        for (Function<Boolean, Request> c : calls) {
            out.add(c.apply(withSource));
        }
        return out;
    }
}
