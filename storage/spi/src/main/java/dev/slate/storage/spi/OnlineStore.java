package dev.slate.storage.spi;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The online store: latest value per (entity, feature slot), read in bulk at request time.
 *
 * <p>Implementations are thread-safe and non-blocking: methods return at once and complete the stage
 * on an I/O thread. Every implementation passes the contract suite in {@code slate-storage-testing}.
 */
public interface OnlineStore extends AutoCloseable {

    Set<OnlineStoreCapability> capabilities();

    /**
     * Reads the given slots. The result has one list per request, in request order, each with one
     * element per slot, in slot order: the stored value, or null when the store has none.
     */
    CompletionStage<List<List<StoredValue>>> read(List<OnlineRead> reads);

    /** Stores the given values (see {@link OnlineWrite} for ordering rules). */
    CompletionStage<Void> write(List<OnlineWrite> writes);

    /** Removes every value of one namespace. */
    CompletionStage<Void> dropNamespace(String namespace);

    /**
     * The partial aggregates of materialized aggregations this store keeps next to its values, when it keeps any
     * (docs/specs/aggregations.md, "Online: materialized"); empty: materialized aggregations are served by pushdown.
     */
    default Optional<AggregateBuckets> buckets() {
        return Optional.empty();
    }

    /** Checks that the store answers; completes exceptionally when it does not. */
    CompletionStage<Void> ping();

    @Override
    void close();
}
