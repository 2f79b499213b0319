package dev.slate.storage.spi.offline;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The offline store: every observed feature value, kept with its observation time and provenance (the
 * feature log), and point-in-time lookups over it for training sets.
 *
 * <p>Point-in-time semantics (docs/specs/point-in-time.md): for each spine row (key, t) and feature, the chosen observation
 * is the one of that key and feature slot with the greatest {@code observedAt <= t}; when the feature has a
 * {@code maxStaleness}, it must also satisfy {@code t - observedAt <= maxStaleness}. Of several
 * observations with the same {@code observedAt}, the one appended later wins (within one
 * {@link #append} call, the later element). No match gives null; every spine row appears exactly once,
 * in spine order, duplicates included. All times are UTC instants at microsecond precision.
 *
 * <p>Methods block (they do file and database I/O): call them off event-loop threads. Implementations are
 * thread-safe. Every implementation passes the contract suite in {@code slate-storage-testing}.
 */
public interface OfflineStore extends AutoCloseable {

    Set<OfflineStoreCapability> capabilities();

    /**
     * Appends observations; when this returns, they are durable (for a {@link OfflineStoreCapability#DURABLE}
     * store) and visible to lookups. All or nothing: on failure, none of them is visible.
     */
    void append(List<ObservedValue> values);

    /** Answers a point-in-time query (see the class comment for the semantics). */
    PointInTimeResult lookup(PointInTimeQuery query);

    /**
     * Answers a point-in-time query from a spine file into an output file (see {@link PointInTimeExport} for
     * the files), with the same semantics as {@link #lookup}: the bulk path for large spines. Reports progress
     * to {@code control} and stops when it is cancelled.
     *
     * @throws ExportCancelledException when {@code control} was cancelled; no output is left behind
     * @throws IllegalArgumentException when the spine file is not a spine (missing or mistyped columns, nulls)
     */
    ExportResult export(PointInTimeExport request, ExportControl control);

    /**
     * Reverse ETL: streams to {@code sink}, for every entity instance and requested feature, the value it has at
     * {@link LatestValuesQuery#asOf()} among the observations appended after {@link LatestValuesQuery#since()}
     * (see there), at most one per key and feature, in no particular order. Observations after {@code asOf} and
     * ones older than the feature's {@code maxStaleness} at {@code asOf} are not delivered. The returned marker
     * stands for exactly the appends this call considered: a later call given it considers every other append
     * (also one that completed while this call ran), so a chain of calls misses none and considers each once.
     * A marker this store does not recognise is treated as absent (everything is read again).
     */
    LatestValuesResult latestValues(LatestValuesQuery query, Consumer<LatestValue> sink);

    /**
     * Streams to {@code sink} every observation of the requested features of the instances of
     * {@link HistoryQuery#entity()} observed at or before {@link HistoryQuery#until()}, all of them (no
     * point-in-time choice, no staleness bound). Order: all observations of one entity key are delivered
     * together (keys in no particular order); within a key, by {@code observedAt} ascending, and of two
     * observations with the same {@code observedAt} (of any of the features) the one appended earlier first,
     * so that replaying them in order leaves each feature at the value the point-in-time rules choose. An
     * exception thrown by {@code sink} ends the call and is thrown by it.
     *
     * @return how many observations were delivered
     */
    long history(HistoryQuery query, Consumer<HistoryObservation> sink);

    /** Removes every observation of one namespace. */
    void dropNamespace(String namespace);

    /** Checks that the store's backing services answer; throws when they do not. */
    void ping();

    @Override
    void close();
}
