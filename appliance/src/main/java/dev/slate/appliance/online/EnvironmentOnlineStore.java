package dev.slate.appliance.online;

import static java.util.Objects.requireNonNull;

import dev.slate.control.deploy.EnvironmentNamespaces;
import dev.slate.control.deploy.NamespaceDirectory;
import dev.slate.storage.spi.AggregateBuckets;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineStoreCapability;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The online store as the data plane sees it: callers name the <em>environment</em> in {@link EntityRef#namespace()},
 * and this adapter sends each call to where that environment's values live (docs/environments.md, "Namespaces"): the
 * namespace it chose at create, in the configured Redis database or in a logical database of its own (one client
 * per database, opened on first use). An environment with the defaults passes through untouched, so the common
 * case costs one map lookup per call.
 */
final class EnvironmentOnlineStore implements OnlineStore {

    private record Target(OnlineStore store, String namespace) {}

    private final OnlineStore configured;
    private final IntFunction<OnlineStore> openDatabase;
    private final NamespaceDirectory directory;
    private final Map<Integer, OnlineStore> databases = new ConcurrentHashMap<>();
    private final AggregateBuckets buckets = new EnvironmentBuckets(env -> {
        Target t = target(env);
        return EnvironmentBuckets.of(t.store(), t.namespace());
    });

    /**
     * @param openDatabase opens a client of the same server on another logical database (only called for environments
     *     that chose one, which {@code OnlineDatabases} allows only where the server has databases)
     */
    EnvironmentOnlineStore(
            OnlineStore configured, IntFunction<OnlineStore> openDatabase, NamespaceDirectory directory) {
        this.configured = requireNonNull(configured, "configured is null");
        this.openDatabase = requireNonNull(openDatabase, "openDatabase is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The store that holds the configured database: what health checks and tools that look at Redis directly use. */
    OnlineStore configured() {
        return configured;
    }

    private Target target(String environment) {
        EnvironmentNamespaces ns = directory.of(environment);
        OnlineStore store = ns.onlineDatabase().isEmpty()
                ? configured
                : databases.computeIfAbsent(ns.onlineDatabase().get(), openDatabase::apply);
        return new Target(store, ns.online());
    }

    private static boolean passesThrough(Target t, String environment) {
        return t.namespace().equals(environment);
    }

    @Override
    public Set<OnlineStoreCapability> capabilities() {
        return configured.capabilities();
    }

    @Override
    public CompletionStage<List<List<StoredValue>>> read(List<OnlineRead> reads) {
        if (reads.isEmpty()) {
            return configured.read(reads);
        }
        String first = reads.getFirst().entity().namespace();
        if (allIn(reads, OnlineRead::entity, first)) {
            Target t = target(first);
            return t.store()
                    .read(
                            t.store() == configured && passesThrough(t, first)
                                    ? reads
                                    : rewriteReads(reads, t.namespace()));
        }
        // several environments in one call: one call per store, answers put back in request order
        Map<OnlineStore, List<Integer>> positions = new IdentityHashMap<>();
        Map<OnlineStore, List<OnlineRead>> byStore = new IdentityHashMap<>();
        for (int i = 0; i < reads.size(); i++) {
            OnlineRead r = reads.get(i);
            Target t = target(r.entity().namespace());
            positions.computeIfAbsent(t.store(), s -> new ArrayList<>()).add(i);
            byStore.computeIfAbsent(t.store(), s -> new ArrayList<>())
                    .add(new OnlineRead(rename(r.entity(), t.namespace()), r.slots()));
        }
        @SuppressWarnings("unchecked")
        List<StoredValue>[] out = (List<StoredValue>[]) new List<?>[reads.size()];
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        byStore.forEach((store, part) -> {
            List<Integer> at = positions.get(store);
            calls.add(store.read(part).toCompletableFuture().thenAccept(answers -> {
                for (int k = 0; k < at.size(); k++) {
                    out[at.get(k)] = answers.get(k);
                }
            }));
        });
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> Arrays.asList(out));
    }

    @Override
    public CompletionStage<Void> write(List<OnlineWrite> writes) {
        if (writes.isEmpty()) {
            return configured.write(writes);
        }
        String first = writes.getFirst().entity().namespace();
        if (allIn(writes, OnlineWrite::entity, first)) {
            Target t = target(first);
            if (t.store() == configured && passesThrough(t, first)) {
                return configured.write(writes); // the common case: no copy of the batch
            }
        }
        Map<OnlineStore, List<OnlineWrite>> byStore = new IdentityHashMap<>();
        Map<String, Target> targets = new HashMap<>(2);
        boolean untouched = true;
        for (OnlineWrite w : writes) {
            String env = w.entity().namespace();
            Target t = targets.computeIfAbsent(env, this::target);
            boolean same = t.store() == configured && passesThrough(t, env);
            untouched &= same;
            byStore.computeIfAbsent(t.store(), s -> new ArrayList<>())
                    .add(
                            same
                                    ? w
                                    : new OnlineWrite(
                                            rename(w.entity(), t.namespace()),
                                            w.slot(),
                                            w.value(),
                                            w.observedAt(),
                                            w.retention()));
        }
        if (untouched) {
            return configured.write(writes);
        }
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        byStore.forEach((store, part) -> calls.add(store.write(part).toCompletableFuture()));
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletionStage<Void> dropNamespace(String environment) {
        Target t = target(environment);
        return t.store().dropNamespace(t.namespace());
    }

    @Override
    public Optional<AggregateBuckets> buckets() {
        return configured.buckets().isPresent() ? Optional.of(buckets) : Optional.empty();
    }

    @Override
    public CompletionStage<Void> ping() {
        return configured.ping();
    }

    @Override
    public void close() {
        databases.values().forEach(OnlineStore::close);
        databases.clear();
        configured.close();
    }

    /** Whether every item names {@code environment}. */
    private static <T> boolean allIn(List<T> items, Function<T, EntityRef> entity, String environment) {
        for (T item : items) {
            if (!entity.apply(item).namespace().equals(environment)) {
                return false;
            }
        }
        return true;
    }

    private static List<OnlineRead> rewriteReads(List<OnlineRead> reads, String namespace) {
        List<OnlineRead> out = new ArrayList<>(reads.size());
        for (OnlineRead r : reads) {
            out.add(new OnlineRead(rename(r.entity(), namespace), r.slots()));
        }
        return out;
    }

    private static EntityRef rename(EntityRef ref, String namespace) {
        return new EntityRef(namespace, ref.entity(), ref.key());
    }
}
