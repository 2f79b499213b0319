package dev.slate.serving.engine.aggregate;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.EntityNode;
import dev.slate.serving.model.graph.Expression;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.storage.spi.AggregateBuckets;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Materialized windowed aggregations (docs/specs/aggregations.md, "Online: materialized"): keeps each related row's
 * contribution in its epoch-aligned bucket through {@link AggregateBuckets}, and answers a window at T by merging the
 * {@link AggregateState}s of its buckets.
 *
 * <p>The window of width w with bucket b at T is the buckets {@code i} with {@code k − w/b < i ≤ k}, {@code k = ⌊T/b⌋}:
 * the event times {@code [(k − w/b + 1)·b, (k + 1)·b)}, whole buckets, the current one included.
 *
 * <p>A related row's record (its needed features, newer wins per feature) decides where it contributes: a re-ingest
 * that changes its foreign key, event time, value or {@code where} moves or replaces its one contribution, so a
 * corrected row counts once, and a row with a null event time or foreign key counts nowhere. A bucket keeps every
 * contribution, so every function, invertible or not, is rebuilt exactly from them when the bucket changed; its
 * merged state is cached until the next change.
 */
public final class BucketedAggregations {

    /** How long a fetched coverage is trusted before it is read again. */
    static final Duration COVERAGE_REFRESH = Duration.ofSeconds(1);

    private static final int STRIPES = 256;

    private final AggregateBuckets buckets;
    private final Clock clock;
    private final Map<AggregateBuckets.Aggregation, Coverage> coverage = new ConcurrentHashMap<>();
    /** Serializes the updates of one related row in this process, whichever instance applies them. */
    private static final ReentrantLock[] STRIPE_LOCKS = new ReentrantLock[STRIPES];

    static {
        for (int i = 0; i < STRIPES; i++) {
            STRIPE_LOCKS[i] = new ReentrantLock();
        }
    }

    private record Coverage(long fetchedAtNanos, CompletableFuture<Optional<Instant>> from) {}

    public BucketedAggregations(AggregateBuckets buckets, Clock clock) {
        this.buckets = requireNonNull(buckets, "buckets is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public AggregateBuckets buckets() {
        return buckets;
    }

    // ---- semantics -----------------------------------------------------------------------------

    /**
     * True when {@code a} is kept in buckets: it declares {@code materialize}, and its relation's one foreign key
     * refers to the parent's key (another relation is served by pushdown).
     */
    public static boolean materialized(FeatureGraph graph, AggregationNode a) {
        if (a.bucket().isEmpty() || a.relation().referenced().size() != 1) {
            return false;
        }
        EntityNode parent = graph.entities().get(a.id().entity());
        return parent != null && parent.key().equals(a.relation().referenced().getFirst());
    }

    /** The index of the epoch-aligned bucket of width {@code bucket} that holds {@code t}: ⌊t / bucket⌋. */
    public static long bucketOf(Instant t, Duration bucket) {
        return Math.floorDiv(ValueCodec.toEpochMicros(t), micros(bucket));
    }

    /** The start of bucket {@code index}. */
    public static Instant bucketStart(long index, Duration bucket) {
        return ValueCodec.fromEpochMicros(Math.multiplyExact(index, micros(bucket)));
    }

    /** The first bucket of window {@code window} at {@code now}: ⌊now/b⌋ − window/b + 1. */
    public static long firstBucket(Instant now, Duration window, Duration bucket) {
        return bucketOf(now, bucket) - micros(window) / micros(bucket) + 1;
    }

    /** Where the window {@code window} of a materialized aggregation starts at {@code now} (inclusive). */
    public static Instant windowStart(Instant now, Duration window, Duration bucket) {
        return bucketStart(firstBucket(now, window, bucket), bucket);
    }

    private static long micros(Duration d) {
        return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1_000);
    }

    /** The longest window of {@code a}. */
    public static Duration longest(AggregationNode a) {
        return a.windows().stream().max(Duration::compareTo).orElseThrow();
    }

    /** The buckets of {@code a} in environment {@code environment}. */
    public static AggregateBuckets.Aggregation ref(String environment, AggregationNode a) {
        return new AggregateBuckets.Aggregation(environment, a.id().entity(), a.id().name(), version(a));
    }

    /**
     * The version of the buckets: a hash of what decides a row's contribution (function, relation, foreign key,
     * event time, {@code of}, {@code where}, percentile and bucket), not of the windows, so that adding a window
     * keeps the buckets.
     */
    static String version(AggregationNode a) {
        String text = String.join(
                "\n",
                a.function().spelling(),
                a.relation().id().qualified(),
                a.relation().holders().toString(),
                a.time().qualified(),
                a.of().map(FeatureId::qualified).orElse(""),
                a.where().map(Expression::text).orElse(""),
                Double.toString(a.percentile()),
                Durations.format(a.bucket().orElseThrow()));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The related entity's features a row's contribution depends on: foreign key, event time, {@code of}, {@code where}'s. */
    public static List<FeatureId> needed(AggregationNode a) {
        LinkedHashSet<FeatureId> out = new LinkedHashSet<>();
        out.add(a.relation().holders().getFirst());
        out.add(a.time());
        a.of().ifPresent(out::add);
        a.where().ifPresent(w -> out.addAll(w.dependencies()));
        return List.copyOf(out);
    }

    /**
     * How long a bucket (and a row record) holding event time {@code ts} must live from {@code now}: at least the
     * longest window plus one bucket, and until the bucket has left every window.
     */
    static long retentionMillis(AggregationNode a, Instant ts, Instant now) {
        Duration b = a.bucket().orElseThrow();
        Duration longest = longest(a);
        long floor = longest.plus(b).toMillis();
        if (ts == null) {
            return floor;
        }
        Instant leaves = bucketStart(bucketOf(ts, b) + 1, b).plus(longest);
        return Math.max(floor, Duration.between(now, leaves).toMillis());
    }

    // ---- contributions -------------------------------------------------------------------------

    /** A contribution: the row's event time and {@code of} value, or the failure of its {@code where}. */
    static byte[] contribution(Instant ts, Object value, String failure) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (failure != null) {
                out.writeByte('e');
                byte[] m = failure.getBytes(StandardCharsets.UTF_8);
                out.writeInt(m.length);
                out.write(m);
            } else {
                out.writeByte('v');
                out.writeLong(ts.getEpochSecond());
                out.writeInt(ts.getNano());
                TaggedValues.write(out, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Adds a contribution to {@code state}; answers the failure it carries, else null. */
    static String addContribution(AggregateState state, byte[] c) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(c));
        byte kind = in.readByte();
        if (kind == 'e') {
            byte[] m = new byte[in.readInt()];
            in.readFully(m);
            return new String(m, StandardCharsets.UTF_8);
        }
        Instant ts = Instant.ofEpochSecond(in.readLong(), in.readInt());
        state.add(ts, TaggedValues.read(in));
        return null;
    }

    // ---- ingest --------------------------------------------------------------------------------

    /** One ingested value of a feature of an entity instance. */
    public record Observation(FeatureNode feature, Object key, Object value, Instant observedAt) {
        public Observation {
            requireNonNull(feature, "feature is null");
            requireNonNull(key, "key is null");
            requireNonNull(observedAt, "observedAt is null");
        }
    }

    /**
     * Applies ingested values to the buckets of every materialized aggregation over their entity: merges each touched
     * related row's record, then moves its contribution. Blocks until done; each related row's update is serialized
     * in this process. Answers the number of row records changed.
     */
    public int apply(String environment, FeatureGraph graph, List<Observation> observations) {
        return apply(environment, graph, observations, a -> true);
    }

    /** {@link #apply(String, FeatureGraph, List)} for the materialized aggregations {@code only} accepts. */
    public int apply(
            String environment, FeatureGraph graph, List<Observation> observations, Predicate<AggregationNode> only) {
        Map<String, List<AggregationNode>> byRelated = new HashMap<>();
        for (AggregationNode a : graph.aggregations().values()) {
            if (materialized(graph, a) && only.test(a)) {
                byRelated
                        .computeIfAbsent(a.relation().target(), t -> new ArrayList<>())
                        .add(a);
            }
        }
        if (byRelated.isEmpty()) {
            return 0;
        }
        // per related row, its values in ingest order
        Map<List<Object>, List<Observation>> rows = new LinkedHashMap<>();
        for (Observation o : observations) {
            if (byRelated.containsKey(o.feature().id().entity())) {
                rows.computeIfAbsent(List.of(o.feature().id().entity(), o.key()), k -> new ArrayList<>())
                        .add(o);
            }
        }
        List<AggregationNode> aggs = new ArrayList<>();
        List<AggregateBuckets.RowMerge> merges = new ArrayList<>();
        Instant now = clock.instant();
        for (Map.Entry<List<Object>, List<Observation>> row : rows.entrySet()) {
            String entity = (String) row.getKey().get(0);
            Object key = row.getKey().get(1);
            for (AggregationNode a : byRelated.get(entity)) {
                List<FeatureId> needed = needed(a);
                List<AggregateBuckets.RowValue> values = new ArrayList<>();
                for (Observation o : row.getValue()) {
                    if (needed.contains(o.feature().id())) {
                        values.add(new AggregateBuckets.RowValue(slot(o.feature()), o.value(), o.observedAt()));
                    }
                }
                if (values.isEmpty()) {
                    continue;
                }
                List<FeatureSlot> slots = new ArrayList<>();
                for (FeatureId f : needed) {
                    slots.add(slot(graph.feature(f).orElseThrow()));
                }
                aggs.add(a);
                merges.add(new AggregateBuckets.RowMerge(
                        ref(environment, a), entity, key, values, slots, retentionMillis(a, null, now)));
            }
        }
        if (merges.isEmpty()) {
            return 0;
        }
        List<ReentrantLock> held = lock(merges);
        try {
            List<AggregateBuckets.RowState> states =
                    buckets.mergeRows(merges).toCompletableFuture().join();

            List<AggregateBuckets.Placement> placements = new ArrayList<>(merges.size());
            for (int i = 0; i < merges.size(); i++) {
                placements.add(placement(aggs.get(i), merges.get(i), states.get(i), now));
            }
            buckets.place(placements).toCompletableFuture().join();
        } finally {
            held.forEach(ReentrantLock::unlock);
        }
        return merges.size();
    }

    private List<ReentrantLock> lock(List<AggregateBuckets.RowMerge> merges) {
        TreeSet<Integer> indexes = new TreeSet<>();
        for (AggregateBuckets.RowMerge m : merges) {
            indexes.add(Math.floorMod(List.of(m.relatedEntity(), m.row()).hashCode(), STRIPES));
        }
        List<ReentrantLock> held = new ArrayList<>(indexes.size());
        for (int i : indexes) { // ascending: no two threads wait for each other
            STRIPE_LOCKS[i].lock();
            held.add(STRIPE_LOCKS[i]);
        }
        return held;
    }

    private static FeatureSlot slot(FeatureNode node) {
        return new FeatureSlot(node.id().name(), node.version(), node.type());
    }

    /** Where the merged row now contributes, and what. */
    static AggregateBuckets.Placement placement(
            AggregationNode a, AggregateBuckets.RowMerge merge, AggregateBuckets.RowState state, Instant now) {
        Map<FeatureId, Object> values = new HashMap<>();
        long stamp = Long.MIN_VALUE;
        for (FeatureId f : needed(a)) {
            StoredValue v = state.values().get(f.name());
            if (v != null) {
                values.put(f, v.value());
                stamp = Math.max(stamp, ValueCodec.toEpochMicros(v.observedAt()));
            } else {
                values.put(f, null);
            }
        }
        Object parent = values.get(a.relation().holders().getFirst());
        Optional<AggregateBuckets.Location> next = Optional.empty();
        Optional<byte[]> contribution = Optional.empty();
        Instant ts = values.get(a.time()) instanceof Instant t ? t : null;
        if (ts != null && (parent instanceof Long || parent instanceof String)) {
            next = Optional.of(new AggregateBuckets.Location(
                    parent, bucketOf(ts, a.bucket().orElseThrow())));
            RelatedRow row = new RelatedRow(ts, values);
            try {
                if (WindowAggregator.passes(a, row, ts)) {
                    contribution =
                            Optional.of(contribution(ts, a.of().map(values::get).orElse(null), null));
                }
            } catch (AggregationException e) {
                contribution = Optional.of(contribution(ts, null, e.getMessage()));
            }
        }
        return new AggregateBuckets.Placement(
                merge.aggregation(),
                merge.relatedEntity(),
                merge.row(),
                state.location(),
                next,
                stamp,
                contribution,
                retentionMillis(a, ts, now));
    }

    // ---- queries -------------------------------------------------------------------------------

    /**
     * Since when the buckets of {@code a} are complete in {@code environment}. A known coverage is cached for
     * {@link #COVERAGE_REFRESH}; an unknown one is read again at every call, so a backfill is seen at once.
     */
    public CompletableFuture<Optional<Instant>> coverage(String environment, AggregationNode a) {
        AggregateBuckets.Aggregation ref = ref(environment, a);
        long t = System.nanoTime();
        Coverage c = coverage.get(ref);
        if (c != null && t - c.fetchedAtNanos() <= COVERAGE_REFRESH.toNanos()) {
            return c.from();
        }
        CompletableFuture<Optional<Instant>> read = buckets.coverage(ref).toCompletableFuture();
        read.thenAccept(from -> {
            if (from.isPresent()) {
                coverage.put(ref, new Coverage(t, CompletableFuture.completedFuture(from)));
            } else {
                coverage.remove(ref);
            }
        });
        return read;
    }

    /** Records that the buckets of {@code a} are complete from {@code from} on, and forgets the cached coverage. */
    public CompletableFuture<Void> cover(String environment, AggregationNode a, Instant from) {
        AggregateBuckets.Aggregation ref = ref(environment, a);
        return buckets.cover(ref, from).toCompletableFuture().whenComplete((v, e) -> coverage.remove(ref));
    }

    /**
     * The windows of one aggregation at one time: per window its value, or (in {@code failures}) why it has none (a
     * related row in it failed the {@code where} or cannot be aggregated).
     */
    public record Answer(Object[] values, String[] failures) {}

    /**
     * The values of {@code windows.get(i)} of {@code aggregations.get(i)} for one parent at {@code now}: one atomic
     * read of every bucket and tile needed (one round trip), states merged with {@link AggregateState}. Buckets and
     * tiles without a cached state are rebuilt from their contributions (their buckets) and their state is cached.
     */
    public CompletableFuture<List<Answer>> read(
            String environment,
            Object parent,
            List<AggregationNode> aggregations,
            List<List<Duration>> windows,
            Instant now) {
        List<AggregateBuckets.BucketRange> ranges = new ArrayList<>(aggregations.size());
        long[] lasts = new long[aggregations.size()];
        for (int i = 0; i < aggregations.size(); i++) {
            AggregationNode a = aggregations.get(i);
            Duration b = a.bucket().orElseThrow();
            Duration widest = windows.get(i).stream().max(Duration::compareTo).orElseThrow();
            lasts[i] = bucketOf(now, b);
            long first = firstBucket(now, widest, b);
            ranges.add(new AggregateBuckets.BucketRange(
                    ref(environment, a), parent, first, lasts[i], tiles(a, windows.get(i), first, lasts[i])));
        }
        return buckets.read(List.of(ranges)).toCompletableFuture().thenApply(answer -> {
            List<List<AggregateBuckets.Bucket>> perRange = answer.getFirst();
            List<Answer> out = new ArrayList<>(aggregations.size());
            List<AggregateBuckets.StateSave> saves = new ArrayList<>();
            for (int i = 0; i < aggregations.size(); i++) {
                out.add(answer(
                        aggregations.get(i),
                        ranges.get(i),
                        windows.get(i),
                        lasts[i],
                        perRange.get(i),
                        parent,
                        now,
                        saves));
            }
            if (!saves.isEmpty()) {
                buckets.saveStates(saves); // best effort: a failed save only means the next read rebuilds again
            }
            return out;
        });
    }

    /**
     * The tiles of buckets {@code first..last} that {@code a}'s windows can read whole (docs/specs/aggregations.md,
     * "Tiles"): inside the range, and with no window starting strictly inside them. None for {@code
     * approx_percentile}, whose merged state is not its buckets' sketch.
     */
    static List<Long> tiles(AggregationNode a, List<Duration> windows, long first, long last) {
        if (a.function() == AggregateFunction.APPROX_PERCENTILE) {
            return List.of();
        }
        int size = AggregateBuckets.TILE_BUCKETS;
        long[] starts = new long[windows.size()];
        for (int w = 0; w < starts.length; w++) {
            starts[w] = last - micros(windows.get(w)) / micros(a.bucket().orElseThrow()) + 1;
        }
        List<Long> out = new ArrayList<>();
        for (long t = Math.floorDiv(first + size - 1, size); t * size + size - 1 <= last; t++) {
            long lo = t * size;
            boolean split = false;
            for (long start : starts) {
                split |= start > lo && start < lo + size;
            }
            if (!split) {
                out.add(t);
            }
        }
        return out;
    }

    private static Answer answer(
            AggregationNode a,
            AggregateBuckets.BucketRange range,
            List<Duration> windows,
            long last,
            List<AggregateBuckets.Bucket> buckets,
            Object parent,
            Instant now,
            List<AggregateBuckets.StateSave> saves) {
        Duration b = a.bucket().orElseThrow();
        Integer[] order = new Integer[windows.size()];
        for (int w = 0; w < order.length; w++) {
            order[w] = w;
        }
        Arrays.sort(order, (x, y) -> windows.get(x).compareTo(windows.get(y)));
        Object[] values = new Object[windows.size()];
        String[] failures = new String[windows.size()];
        AggregateState acc = new AggregateState(a.function(), a.type(), a.percentile());
        String failure = null;
        int j = buckets.size() - 1;
        for (int w : order) {
            long first = last - micros(windows.get(w)) / micros(b) + 1;
            for (; j >= 0 && buckets.get(j).index() >= first; j--) {
                AggregateBuckets.Bucket bucket = buckets.get(j);
                try {
                    byte[] state = bucket.tile()
                            ? tileState(a, range, bucket, parent, now, saves)
                            : bucketState(a, range, bucket, parent, saves);
                    // answer from the state as it is cached, so this read and the next ones agree: for
                    // approx_percentile the cached state is a KLL sketch, compacted beyond 200 values
                    acc.merge(AggregateState.fromBytes(a.function(), a.type(), a.percentile(), state));
                } catch (BadBucketException e) {
                    failure = failure == null ? e.getMessage() : failure;
                } catch (ArithmeticException | ClassCastException | IllegalArgumentException | IOException e) {
                    failure = failure == null ? a.id() + ": " + e.getMessage() : failure;
                }
            }
            if (failure != null) {
                failures[w] = failure;
            } else {
                values[w] = acc.result();
            }
        }
        return new Answer(values, failures);
    }

    /** A related row in the bucket failed its {@code where} or cannot be aggregated: the message says which. */
    private static final class BadBucketException extends Exception {
        BadBucketException(String message) {
            super(message, null, false, false);
        }
    }

    /** A bucket's state: the cached one, or one rebuilt from its contributions and queued to be cached. */
    private static byte[] bucketState(
            AggregationNode a,
            AggregateBuckets.BucketRange range,
            AggregateBuckets.Bucket bucket,
            Object parent,
            List<AggregateBuckets.StateSave> saves)
            throws BadBucketException, IOException {
        if (bucket.state().isPresent()) {
            return bucket.state().get();
        }
        AggregateState one = new AggregateState(a.function(), a.type(), a.percentile());
        String bad = null;
        for (byte[] c : bucket.contributions()) {
            String f = addContribution(one, c);
            bad = bad == null ? f : bad;
        }
        if (bad != null) {
            throw new BadBucketException(bad);
        }
        byte[] state = one.toBytes();
        saves.add(new AggregateBuckets.StateSave(
                range.aggregation(), parent, bucket.index(), bucket.generation(), state));
        return state;
    }

    /** A tile's state: the cached one, or the merge of its buckets' states, queued to be cached. */
    private static byte[] tileState(
            AggregationNode a,
            AggregateBuckets.BucketRange range,
            AggregateBuckets.Bucket tile,
            Object parent,
            Instant now,
            List<AggregateBuckets.StateSave> saves)
            throws BadBucketException, IOException {
        if (tile.state().isPresent()) {
            return tile.state().get();
        }
        AggregateState merged = new AggregateState(a.function(), a.type(), a.percentile());
        for (AggregateBuckets.Bucket part : tile.parts()) {
            merged.merge(AggregateState.fromBytes(
                    a.function(), a.type(), a.percentile(), bucketState(a, range, part, parent, saves)));
        }
        byte[] state = merged.toBytes();
        Duration b = a.bucket().orElseThrow();
        long tileLast = tile.index() + tile.span() - 1;
        saves.add(new AggregateBuckets.StateSave(
                range.aggregation(),
                parent,
                tile.index() / AggregateBuckets.TILE_BUCKETS,
                tile.generation(),
                state,
                true,
                retentionMillis(a, bucketStart(tileLast, b), now)));
        return state;
    }
}
