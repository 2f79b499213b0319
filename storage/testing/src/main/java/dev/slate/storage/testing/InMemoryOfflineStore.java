package dev.slate.storage.testing;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.FeatureValueAppender;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ExportColumnTypes;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportProgress;
import dev.slate.storage.spi.offline.ExportResult;
import dev.slate.storage.spi.offline.ExportedFeature;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.HistoryObservation;
import dev.slate.storage.spi.offline.HistoryQuery;
import dev.slate.storage.spi.offline.LatestValue;
import dev.slate.storage.spi.offline.LatestValuesQuery;
import dev.slate.storage.spi.offline.LatestValuesResult;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.OfflineStoreCapability;
import dev.slate.storage.spi.offline.PointInTimeExport;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import dev.slate.storage.spi.offline.SpineRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The reference offline store: a straightforward, obviously correct reading of the point-in-time rules,
 * kept in memory. It passes {@link OfflineStoreContract} and serves as the oracle of differential tests and
 * as a fake for tests of code that uses an {@link OfflineStore}. Not durable, not fast.
 */
public final class InMemoryOfflineStore implements OfflineStore {

    private record Series(String namespace, String entity, EntityKey key, FeatureSlot slot) {}

    private record Entry(Object value, Instant observedAt, long sequence) {}

    private final Map<Series, List<Entry>> series = new HashMap<>();
    private long nextSequence;

    @Override
    public Set<OfflineStoreCapability> capabilities() {
        return Set.of();
    }

    @Override
    public synchronized void append(List<ObservedValue> values) {
        requireNonNull(values, "values is null");
        for (ObservedValue v : values) {
            series.computeIfAbsent(new Series(v.namespace(), v.entity(), v.key(), v.slot()), s -> new ArrayList<>())
                    .add(new Entry(v.value(), v.observedAt(), nextSequence++));
        }
    }

    @Override
    public synchronized PointInTimeResult lookup(PointInTimeQuery query) {
        List<List<StoredValue>> rows = new ArrayList<>(query.spine().size());
        for (SpineRow row : query.spine()) {
            StoredValue[] answers = new StoredValue[query.features().size()];
            for (int f = 0; f < answers.length; f++) {
                FeatureLookup lookup = query.features().get(f);
                Entry best = null;
                for (Entry e : series.getOrDefault(
                        new Series(query.namespace(), query.entity(), row.key(), lookup.slot()), List.of())) {
                    if (e.observedAt().isAfter(row.inputTime())
                            || !withinStaleness(lookup, e.observedAt(), row.inputTime())) {
                        continue;
                    }
                    if (best == null
                            || e.observedAt().isAfter(best.observedAt())
                            || (e.observedAt().equals(best.observedAt()) && e.sequence() > best.sequence())) {
                        best = e;
                    }
                }
                answers[f] = best == null ? null : new StoredValue(best.value(), best.observedAt());
            }
            rows.add(Arrays.asList(answers));
        }
        return new PointInTimeResult(rows);
    }

    /**
     * Reads the spine file into memory, answers with {@link #lookup} and writes the output with DuckDB used
     * as a Parquet codec: slow, but obviously the same answer as {@code lookup}.
     */
    @Override
    public ExportResult export(PointInTimeExport request, ExportControl control) {
        requireNonNull(request, "request is null");
        requireNonNull(control, "control is null");
        control.throwIfCancelled();
        control.report(ExportProgress.Stage.READING_SPINE, 0, -1);
        List<SpineRow> spine = SpineFiles.read(request.spine(), request.keyColumns());
        control.report(ExportProgress.Stage.PLANNING, 0.1, spine.size());
        List<FeatureLookup> lookups =
                request.features().stream().map(ExportedFeature::lookup).toList();
        PointInTimeResult result = lookup(new PointInTimeQuery(request.namespace(), request.entity(), spine, lookups));
        control.throwIfCancelled();
        control.report(ExportProgress.Stage.JOINING, 0.5, spine.size());
        Path partial =
                request.output().resolveSibling(request.output().getFileName() + ".partial-" + UUID.randomUUID());
        try {
            writeOutput(partial, request, spine, result);
            control.throwIfCancelled();
            Files.move(partial, request.output(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            control.report(ExportProgress.Stage.DONE, 1, spine.size());
            return new ExportResult(request.output(), spine.size(), Files.size(request.output()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + request.output(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // best effort: the partial file never has the output's name
            }
        }
    }

    private static void writeOutput(
            Path file, PointInTimeExport request, List<SpineRow> spine, PointInTimeResult result) {
        List<String> keys = request.keyColumns();
        List<ExportedFeature> features = request.features();
        try (EmbeddedDuckDb db = EmbeddedDuckDb.open();
                DuckDBConnection c = db.connect()) {
            StringBuilder ddl = new StringBuilder("CREATE TEMP TABLE out (rid BIGINT");
            for (int k = 0; k < keys.size(); k++) {
                boolean integer = spine.isEmpty() || spine.get(0).key().parts().get(k) instanceof Long;
                ddl.append(", k").append(k).append(integer ? " BIGINT" : " VARCHAR");
            }
            ddl.append(", t TIMESTAMPTZ");
            for (int f = 0; f < features.size(); f++) {
                FeatureType type = features.get(f).lookup().slot().type();
                ddl.append(", f")
                        .append(f)
                        .append(' ')
                        .append(type instanceof FeatureType.ListOf ? "VARCHAR" : ExportColumnTypes.duckDbType(type));
            }
            EmbeddedDuckDb.execute(c, ddl.append(')').toString());
            try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "out")) {
                for (int r = 0; r < spine.size(); r++) {
                    a.beginRow().append((long) r);
                    for (Object part : spine.get(r).key().parts()) {
                        if (part instanceof Long l) {
                            a.append((long) l);
                        } else {
                            a.append((String) part);
                        }
                    }
                    a.appendEpochMicros(ValueCodec.toEpochMicros(spine.get(r).inputTime()));
                    for (int f = 0; f < features.size(); f++) {
                        StoredValue v = result.get(r, f);
                        FeatureValueAppender.append(
                                a, features.get(f).lookup().slot().type(), v == null ? null : v.value());
                    }
                    a.endRow();
                }
            }
            StringBuilder select = new StringBuilder("SELECT ");
            for (int k = 0; k < keys.size(); k++) {
                select.append('k')
                        .append(k)
                        .append(" AS ")
                        .append(SqlQuoting.identifier(keys.get(k)))
                        .append(", ");
            }
            select.append("t AS ").append(PointInTimeExport.INPUT_TIME);
            for (int f = 0; f < features.size(); f++) {
                FeatureType type = features.get(f).lookup().slot().type();
                String column = "f" + f;
                select.append(", ")
                        .append(
                                type instanceof FeatureType.ListOf
                                        ? "CAST(CAST(" + column + " AS JSON) AS " + ExportColumnTypes.duckDbType(type)
                                                + ")"
                                        : column)
                        .append(" AS ")
                        .append(SqlQuoting.identifier(features.get(f).column()));
            }
            EmbeddedDuckDb.execute(
                    c,
                    "COPY (" + select + " FROM out ORDER BY rid) TO " + SqlQuoting.literal(file) + " (FORMAT PARQUET)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Marker: {@code mem:<n>}, the sequence number the next append gets; entries numbered at or above it are new. */
    @Override
    public synchronized LatestValuesResult latestValues(LatestValuesQuery query, Consumer<LatestValue> sink) {
        requireNonNull(query, "query is null");
        requireNonNull(sink, "sink is null");
        long from = query.since()
                .filter(m -> m.matches("mem:[0-9]+"))
                .map(m -> Long.parseLong(m.substring(4)))
                .orElse(0L);
        long delivered = 0;
        for (Map.Entry<Series, List<Entry>> e : series.entrySet()) {
            Series s = e.getKey();
            if (!s.namespace().equals(query.namespace()) || !s.entity().equals(query.entity())) {
                continue;
            }
            for (int f = 0; f < query.features().size(); f++) {
                FeatureLookup lookup = query.features().get(f);
                if (!lookup.slot().equals(s.slot())) {
                    continue;
                }
                Entry best = null;
                for (Entry entry : e.getValue()) {
                    if (entry.sequence() < from || entry.observedAt().isAfter(query.asOf())) {
                        continue;
                    }
                    if (best == null
                            || entry.observedAt().isAfter(best.observedAt())
                            || (entry.observedAt().equals(best.observedAt()) && entry.sequence() > best.sequence())) {
                        best = entry;
                    }
                }
                if (best != null && withinStaleness(lookup, best.observedAt(), query.asOf())) {
                    sink.accept(new LatestValue(s.key(), f, best.value(), best.observedAt()));
                    delivered++;
                }
            }
        }
        return new LatestValuesResult(
                delivered, nextSequence == 0 ? Optional.empty() : Optional.of("mem:" + nextSequence));
    }

    /** Every observation of the requested slots up to {@code until}, per key in (observedAt, append order). */
    @Override
    public synchronized long history(HistoryQuery query, Consumer<HistoryObservation> sink) {
        requireNonNull(query, "query is null");
        requireNonNull(sink, "sink is null");
        record Found(int feature, Entry entry) {}
        Map<EntityKey, List<Found>> byKey = new LinkedHashMap<>();
        for (Map.Entry<Series, List<Entry>> e : series.entrySet()) {
            Series s = e.getKey();
            if (!s.namespace().equals(query.namespace()) || !s.entity().equals(query.entity())) {
                continue;
            }
            for (int f = 0; f < query.features().size(); f++) {
                if (!query.features().get(f).equals(s.slot())) {
                    continue;
                }
                for (Entry entry : e.getValue()) {
                    if (!entry.observedAt().isAfter(query.until())) {
                        byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(new Found(f, entry));
                    }
                }
            }
        }
        long delivered = 0;
        for (Map.Entry<EntityKey, List<Found>> e : byKey.entrySet()) {
            List<Found> found = e.getValue();
            found.sort(Comparator.comparing((Found x) -> x.entry().observedAt())
                    .thenComparingLong(x -> x.entry().sequence()));
            for (Found x : found) {
                sink.accept(new HistoryObservation(
                        e.getKey(), x.feature(), x.entry().value(), x.entry().observedAt()));
                delivered++;
            }
        }
        return delivered;
    }

    private static boolean withinStaleness(FeatureLookup lookup, Instant observedAt, Instant inputTime) {
        return lookup.maxStaleness().isEmpty()
                || Duration.between(observedAt, inputTime)
                                .compareTo(lookup.maxStaleness().get())
                        <= 0;
    }

    @Override
    public synchronized void dropNamespace(String namespace) {
        series.keySet().removeIf(s -> s.namespace().equals(namespace));
    }

    @Override
    public void ping() {}

    @Override
    public void close() {}
}
