package dev.slate.storage.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Partial aggregates of materialized windowed aggregations, per epoch-aligned bucket, kept next to the online store
 * (docs/specs/aggregations.md, "Online: materialized"; layout in docs/specs/online-store-redis.md, section 7).
 *
 * <p>For each materialized aggregation the store keeps:
 * <ul>
 *   <li>per related row, a <em>row record</em>: the row's needed feature values, each newer-wins by observed time
 *       (as online values are), and the bucket the row contributes to now ({@link #mergeRows}, {@link #place});</li>
 *   <li>per parent and bucket, the <em>contribution</em> of each related row in it (opaque bytes, stamped; a newer
 *       stamp replaces an older one, a tombstone removes the row from the bucket), and a cached partial state of the
 *       whole bucket that every change of the bucket drops ({@link #read}, {@link #saveStates}).</li>
 * </ul>
 * Each call touches one namespace (the first element's). Implementations are thread-safe and non-blocking.
 */
public interface AggregateBuckets {

    /**
     * One materialized aggregation in one namespace.
     *
     * @param namespace the environment's online namespace
     * @param entity the parent entity ({@code user})
     * @param name the aggregation's name ({@code txn_count})
     * @param version the definition's version: a changed definition keeps new buckets
     */
    record Aggregation(String namespace, String entity, String name, String version) {
        public Aggregation {
            requireNonNull(namespace, "namespace is null");
            requireNonNull(entity, "entity is null");
            requireNonNull(name, "name is null");
            requireNonNull(version, "version is null");
        }

        /** The same aggregation in another namespace. */
        public Aggregation in(String otherNamespace) {
            return new Aggregation(otherNamespace, entity, name, version);
        }
    }

    /** Where a related row contributes: the parent's key ({@code Long} or {@code String}) and the bucket index. */
    record Location(Object parent, long bucket) {
        public Location {
            requireNonNull(parent, "parent is null");
            if (!(parent instanceof Long) && !(parent instanceof String)) {
                throw new IllegalArgumentException("a parent key is a Long or a String");
            }
        }
    }

    /** One observed value of a related row's feature (value null: a stored null). */
    record RowValue(FeatureSlot slot, Object value, Instant observedAt) {
        public RowValue {
            requireNonNull(slot, "slot is null");
            requireNonNull(observedAt, "observedAt is null");
        }
    }

    /**
     * Values of one related row for one aggregation, merged newer-wins into its row record.
     *
     * @param relatedEntity the related entity ({@code transaction})
     * @param row the related row's key
     * @param slots every slot the row record holds, so that the answer can decode them
     * @param retentionMillis the least time to live of the row record
     */
    record RowMerge(
            Aggregation aggregation,
            String relatedEntity,
            Object row,
            List<RowValue> values,
            List<FeatureSlot> slots,
            long retentionMillis) {
        public RowMerge {
            requireNonNull(aggregation, "aggregation is null");
            requireNonNull(relatedEntity, "relatedEntity is null");
            requireNonNull(row, "row is null");
            values = List.copyOf(values);
            slots = List.copyOf(slots);
        }
    }

    /** A row record after a merge: its values by feature name (missing: never observed) and its current bucket. */
    record RowState(Map<String, StoredValue> values, Optional<Location> location) {
        public RowState {
            requireNonNull(values, "values is null");
            requireNonNull(location, "location is null");
        }
    }

    /**
     * Moves one related row's contribution: a tombstone at {@code previous} when it is another bucket, the
     * contribution (or a tombstone when {@code contribution} is empty: the row counts nowhere) at {@code next}, and
     * {@code next} recorded as the row's location. Each bucket changes atomically.
     *
     * @param stampMicros the row version's time (its latest observation): a contribution with a smaller stamp never
     *     replaces one with a larger stamp
     */
    record Placement(
            Aggregation aggregation,
            String relatedEntity,
            Object row,
            Optional<Location> previous,
            Optional<Location> next,
            long stampMicros,
            Optional<byte[]> contribution,
            long retentionMillis) {
        public Placement {
            requireNonNull(aggregation, "aggregation is null");
            requireNonNull(relatedEntity, "relatedEntity is null");
            requireNonNull(row, "row is null");
            requireNonNull(previous, "previous is null");
            requireNonNull(next, "next is null");
            requireNonNull(contribution, "contribution is null");
        }
    }

    /** How many buckets a tile holds: tile {@code t} is buckets {@code t·TILE_BUCKETS … t·TILE_BUCKETS + 23}. */
    int TILE_BUCKETS = 24;

    /**
     * Buckets {@code first..last} (inclusive) of one parent for one aggregation. Each tile in {@code tiles} (all of
     * its buckets inside {@code first..last}) is read as one: its cached merged state when it has one, else its
     * buckets, so that a long window reads a few tiles instead of every bucket.
     */
    record BucketRange(Aggregation aggregation, Object parent, long first, long last, List<Long> tiles) {
        public BucketRange {
            requireNonNull(aggregation, "aggregation is null");
            requireNonNull(parent, "parent is null");
            tiles = List.copyOf(tiles);
            for (long t : tiles) {
                if (t * TILE_BUCKETS < first || t * TILE_BUCKETS + TILE_BUCKETS - 1 > last) {
                    throw new IllegalArgumentException("tile " + t + " is not inside buckets " + first + ".." + last);
                }
            }
        }

        /** Every bucket read on its own. */
        public BucketRange(Aggregation aggregation, Object parent, long first, long last) {
            this(aggregation, parent, first, last, List.of());
        }

        /** The same range in another namespace. */
        public BucketRange in(String namespace) {
            return new BucketRange(aggregation.in(namespace), parent, first, last, tiles);
        }
    }

    /**
     * One bucket, or one tile, as read: its cached state when it has one; else a bucket's live contributions, or a
     * tile's buckets that exist ({@code parts}, ascending). {@code generation} changes with every change of the
     * bucket (of any bucket of the tile).
     *
     * @param index the bucket's index; for a tile, the index of its first bucket
     * @param span 1 for a bucket, {@link #TILE_BUCKETS} for a tile
     */
    record Bucket(
            long index,
            long generation,
            Optional<byte[]> state,
            List<byte[]> contributions,
            int span,
            List<Bucket> parts) {
        public Bucket {
            requireNonNull(state, "state is null");
            contributions = List.copyOf(contributions);
            parts = List.copyOf(parts);
        }

        /** A bucket. */
        public Bucket(long index, long generation, Optional<byte[]> state, List<byte[]> contributions) {
            this(index, generation, state, contributions, 1, List.of());
        }

        public boolean tile() {
            return span > 1;
        }
    }

    /**
     * A bucket's (or a tile's) partial state to cache, kept only when it is still at {@code generation}.
     *
     * @param bucket the bucket's index, or for a tile ({@code tile}) the tile's index
     * @param retentionMillis for a tile, how long its state may live when nothing else set its time to live
     */
    record StateSave(
            Aggregation aggregation,
            Object parent,
            long bucket,
            long generation,
            byte[] state,
            boolean tile,
            long retentionMillis) {
        public StateSave {
            requireNonNull(aggregation, "aggregation is null");
            requireNonNull(parent, "parent is null");
            requireNonNull(state, "state is null");
        }

        /** A bucket's state. */
        public StateSave(Aggregation aggregation, Object parent, long bucket, long generation, byte[] state) {
            this(aggregation, parent, bucket, generation, state, false, 0);
        }

        /** The same save in another namespace. */
        public StateSave in(String namespace) {
            return new StateSave(aggregation.in(namespace), parent, bucket, generation, state, tile, retentionMillis);
        }
    }

    /** Merges each row's values into its row record; answers every record after its merge, in request order. */
    CompletionStage<List<RowState>> mergeRows(List<RowMerge> merges);

    /** Applies the placements (see {@link Placement}). */
    CompletionStage<Void> place(List<Placement> placements);

    /**
     * Reads bucket ranges: one atomic read per inner list (all of one parent, so one hash slot on a cluster), all
     * pipelined. Answers, per inner list and range, the buckets that exist (absent: empty), ascending.
     */
    CompletionStage<List<List<List<Bucket>>>> read(List<List<BucketRange>> reads);

    /** Caches partial states of buckets (best effort: a bucket changed since it was read keeps no state). */
    CompletionStage<Void> saveStates(List<StateSave> saves);

    /** Since when (event time) the buckets of {@code aggregation} are complete: empty when never backfilled. */
    CompletionStage<Optional<Instant>> coverage(Aggregation aggregation);

    /** Records that the buckets of {@code aggregation} are complete for every event time at or after {@code from}. */
    CompletionStage<Void> cover(Aggregation aggregation, Instant from);
}
