package dev.slate.storage.redis;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.AggregateBuckets;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineStoreCapability;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The online store on Redis (standalone or cluster), over the Vert.x Redis client. Layout:
 * {@link RedisKeyLayout}; the spec is {@code docs/specs/online-store-redis.md}.
 *
 * <ul>
 *   <li>{@link #read}: one {@code HMGET} per entity, all in one pipeline (one round trip).
 *   <li>{@link #write}: one {@link NewerWinsScript} call per entity, all in one pipeline.
 *   <li>{@link #dropNamespace}: {@code SCAN MATCH} + {@code UNLINK}, page by page, on every primary.
 * </ul>
 * Thread-safe; stages complete on a Vert.x event-loop thread.
 */
public final class RedisOnlineStore implements OnlineStore {

    private static final Set<OnlineStoreCapability> CAPABILITIES =
            Collections.unmodifiableSet(EnumSet.of(OnlineStoreCapability.RETENTION, OnlineStoreCapability.NEWER_WINS));

    /** Retentions longer than this are capped to it (Redis rejects expiry times that overflow). */
    static final Duration MAX_RETENTION = Duration.ofDays(36_500);

    private static final int SCAN_COUNT = 500;

    private static final int MAX_CACHED_FIELDS = 100_000;

    private final RedisKeyLayout layout;
    private final RedisPipeline pipeline;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<FeatureSlot, byte[]> fieldBytes = new ConcurrentHashMap<>();
    private final AggregateBuckets buckets;

    public RedisOnlineStore(Vertx vertx, RedisOnlineStoreConfig config) {
        requireNonNull(vertx, "vertx is null");
        requireNonNull(config, "config is null");
        this.layout = new RedisKeyLayout(config.keyPrefix());
        RedisOptions options = new RedisOptions()
                .setEndpoints(new ArrayList<>(config.connectionStrings()))
                .setMaxPoolSize(config.poolSize())
                .setMaxPoolWaiting(config.maxPoolWaiting())
                .setMaxWaitingHandlers(config.maxWaitingHandlers());
        if (config.clientType() == RedisOnlineStoreConfig.ClientType.CLUSTER) {
            options.setType(RedisClientType.CLUSTER);
            this.pipeline = new ClusterPipeline(
                    vertx, Redis.createClient(vertx, options), options, config.maxWaitingHandlers());
        } else {
            options.setType(RedisClientType.STANDALONE);
            this.pipeline = new StandalonePipeline(Redis.createClient(vertx, options), config.maxWaitingHandlers());
        }
        this.buckets = new RedisAggregateBuckets(layout, pipeline);
    }

    @Override
    public Optional<AggregateBuckets> buckets() {
        return Optional.of(buckets);
    }

    /** The key layout this store writes, for tools and tests that look at Redis directly. */
    public RedisKeyLayout layout() {
        return layout;
    }

    @Override
    public Set<OnlineStoreCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public CompletionStage<List<List<StoredValue>>> read(List<OnlineRead> reads) {
        int n = reads.size();
        if (n == 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<Request> requests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            OnlineRead read = reads.get(i);
            List<FeatureSlot> slots = read.slots();
            if (slots.isEmpty()) {
                continue;
            }
            Request hmget = Request.cmd(Command.HMGET).arg(layout.entityKey(read.entity()));
            for (int s = 0, m = slots.size(); s < m; s++) {
                hmget.arg(fieldBytes(slots.get(s)));
            }
            requests.add(hmget);
        }
        if (requests.isEmpty()) {
            return CompletableFuture.completedFuture(Collections.nCopies(n, List.<StoredValue>of()));
        }
        return pipeline.batch(requests)
                .map(responses -> decode(reads, responses))
                .toCompletionStage();
    }

    /**
     * The hash field of a slot as the bytes sent to Redis. Reads ask for the same few slots over and
     * over (those of the cached plans), so each is escaped and encoded once; the cache is dropped
     * when it grows past a bound (slots of many old deployments).
     */
    private byte[] fieldBytes(FeatureSlot slot) {
        byte[] b = fieldBytes.get(slot);
        if (b == null) {
            b = layout.field(slot).getBytes(StandardCharsets.UTF_8);
            if (fieldBytes.size() >= MAX_CACHED_FIELDS) {
                fieldBytes.clear();
            }
            fieldBytes.put(slot, b);
        }
        return b;
    }

    private List<List<StoredValue>> decode(List<OnlineRead> reads, List<Response> responses) {
        int n = reads.size();
        List<StoredValue>[] out = newListArray(n);
        int r = 0;
        for (int i = 0; i < n; i++) {
            OnlineRead read = reads.get(i);
            List<FeatureSlot> slots = read.slots();
            int m = slots.size();
            if (m == 0) {
                out[i] = List.of();
                continue;
            }
            Response answer = responses.get(r++);
            StoredValue[] values = new StoredValue[m];
            for (int s = 0; s < m; s++) {
                Response field = answer.get(s);
                if (field == null) {
                    continue;
                }
                Buffer raw = field.toBuffer();
                if (raw == null) {
                    continue;
                }
                try {
                    values[s] = layout.decodeValue(slots.get(s).type(), raw);
                } catch (RedisKeyLayout.CorruptValueException e) {
                    throw new RedisKeyLayout.CorruptValueException(
                            e.getMessage() + " (entity " + read.entity().entity() + ", feature "
                                    + slots.get(s).feature() + ")");
                }
            }
            out[i] = Collections.unmodifiableList(Arrays.asList(values));
        }
        return Arrays.asList(out);
    }

    @SuppressWarnings("unchecked")
    private static List<StoredValue>[] newListArray(int n) {
        return (List<StoredValue>[]) new List<?>[n];
    }

    @Override
    public CompletionStage<Void> write(List<OnlineWrite> writes) {
        if (writes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Map<EntityRef, List<OnlineWrite>> byEntity = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        List<List<String>> arguments = new ArrayList<>();
        try {
            for (OnlineWrite write : writes) {
                byEntity.computeIfAbsent(write.entity(), e -> new ArrayList<>()).add(write);
            }
            for (Map.Entry<EntityRef, List<OnlineWrite>> entry : byEntity.entrySet()) {
                keys.add(layout.entityKey(entry.getKey()));
                List<String> args = new ArrayList<>(entry.getValue().size() * 3);
                for (OnlineWrite write : entry.getValue()) {
                    args.add(layout.field(write.slot()));
                    args.add(layout.encodeValue(write.slot().type(), write.value(), write.observedAt()));
                    args.add(Long.toString(retentionMillis(write)));
                }
                arguments.add(args);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return pipeline.batch(scriptCalls(keys, arguments, false))
                .recover(failure -> NewerWinsScript.isNoScript(failure)
                        ? pipeline.batch(scriptCalls(keys, arguments, true))
                        : Future.failedFuture(failure))
                .<Void>mapEmpty()
                .toCompletionStage();
    }

    /**
     * One script call per entity. The first attempt uses EVALSHA; when the server does not know the
     * script the whole call is resent with EVAL, which also loads it. Resending is safe: a write
     * applied twice has the same effect as once.
     */
    private static List<Request> scriptCalls(List<String> keys, List<List<String>> arguments, boolean withSource) {
        List<Request> requests = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            Request call = withSource ? NewerWinsScript.eval(keys.get(i)) : NewerWinsScript.evalsha(keys.get(i));
            for (String arg : arguments.get(i)) {
                call.arg(arg);
            }
            requests.add(call);
        }
        return requests;
    }

    /** Milliseconds to keep the value, rounded up, at least 1; -1 when the write keeps it until overwritten. */
    static long retentionMillis(OnlineWrite write) {
        if (write.retention().isEmpty()) {
            return -1;
        }
        Duration retention = write.retention().get();
        if (retention.compareTo(MAX_RETENTION) > 0) {
            retention = MAX_RETENTION;
        }
        long millis = retention.toMillis();
        if (retention.minusMillis(millis).isPositive()) {
            millis++;
        }
        return Math.max(1, millis);
    }

    @Override
    public CompletionStage<Void> dropNamespace(String namespace) {
        String pattern;
        try {
            pattern = layout.namespacePattern(namespace);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return pipeline.onEachPrimary(node -> dropMatching(node, pattern, "0")).toCompletionStage();
    }

    private Future<Void> dropMatching(Redis node, String pattern, String cursor) {
        Request scan = Request.cmd(Command.SCAN)
                .arg(cursor)
                .arg("MATCH")
                .arg(pattern)
                .arg("COUNT")
                .arg(SCAN_COUNT);
        return node.send(scan).compose(page -> {
            String next = page.get(0).toString();
            Response keys = page.get(1);
            List<Request> unlinks = new ArrayList<>(keys.size());
            for (Response key : keys) {
                // one key per command: on a cluster node the keys of a page may sit in different slots
                unlinks.add(Request.cmd(Command.UNLINK).arg(key.toBuffer()));
            }
            Future<?> removed =
                    unlinks.isEmpty() ? Future.succeededFuture() : RedisPipeline.chunked(node, unlinks, SCAN_COUNT);
            return removed.compose(
                    ignored -> "0".equals(next) ? Future.<Void>succeededFuture() : dropMatching(node, pattern, next));
        });
    }

    @Override
    public CompletionStage<Void> ping() {
        return pipeline.ping().toCompletionStage();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pipeline.close();
        }
    }
}
