package dev.slate.appliance.online;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.AggregateBuckets;
import dev.slate.storage.spi.OnlineStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The aggregation buckets as the data plane sees them: callers name the environment in
 * {@link AggregateBuckets.Aggregation#namespace()}, and each call goes to that environment's namespace and Redis database,
 * as {@link EnvironmentOnlineStore} does for values. A call holds one environment (its first element's).
 */
final class EnvironmentBuckets implements AggregateBuckets {

    /** Where an environment's buckets live: the store's buckets and the namespace to name. */
    record Target(AggregateBuckets buckets, String namespace) {}

    private final Function<String, Target> target;

    EnvironmentBuckets(Function<String, Target> target) {
        this.target = requireNonNull(target, "target is null");
    }

    /** The target of an environment, from the online store's routing. */
    static Target of(OnlineStore store, String namespace) {
        return new Target(
                store.buckets()
                        .orElseThrow(() -> new IllegalStateException("the online store keeps no aggregation buckets")),
                namespace);
    }

    @Override
    public CompletionStage<List<RowState>> mergeRows(List<RowMerge> merges) {
        if (merges.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Target t = target.apply(merges.getFirst().aggregation().namespace());
        return t.buckets()
                .mergeRows(merges.stream()
                        .map(m -> new RowMerge(
                                m.aggregation().in(t.namespace()),
                                m.relatedEntity(),
                                m.row(),
                                m.values(),
                                m.slots(),
                                m.retentionMillis()))
                        .toList());
    }

    @Override
    public CompletionStage<Void> place(List<Placement> placements) {
        if (placements.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Target t = target.apply(placements.getFirst().aggregation().namespace());
        return t.buckets()
                .place(placements.stream()
                        .map(p -> new Placement(
                                p.aggregation().in(t.namespace()),
                                p.relatedEntity(),
                                p.row(),
                                p.previous(),
                                p.next(),
                                p.stampMicros(),
                                p.contribution(),
                                p.retentionMillis()))
                        .toList());
    }

    @Override
    public CompletionStage<List<List<List<Bucket>>>> read(List<List<BucketRange>> reads) {
        String env = reads.stream()
                .flatMap(List::stream)
                .findFirst()
                .map(r -> r.aggregation().namespace())
                .orElse(null);
        if (env == null) {
            return CompletableFuture.completedFuture(
                    reads.stream().map(g -> List.<List<Bucket>>of()).toList());
        }
        Target t = target.apply(env);
        return t.buckets()
                .read(reads.stream()
                        .map(g -> g.stream().map(r -> r.in(t.namespace())).toList())
                        .toList());
    }

    @Override
    public CompletionStage<Void> saveStates(List<StateSave> saves) {
        if (saves.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Target t = target.apply(saves.getFirst().aggregation().namespace());
        return t.buckets()
                .saveStates(saves.stream().map(s -> s.in(t.namespace())).toList());
    }

    @Override
    public CompletionStage<Optional<Instant>> coverage(Aggregation aggregation) {
        Target t = target.apply(aggregation.namespace());
        return t.buckets().coverage(aggregation.in(t.namespace()));
    }

    @Override
    public CompletionStage<Void> cover(Aggregation aggregation, Instant from) {
        Target t = target.apply(aggregation.namespace());
        return t.buckets().cover(aggregation.in(t.namespace()), from);
    }
}
