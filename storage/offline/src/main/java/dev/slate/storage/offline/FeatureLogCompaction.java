package dev.slate.storage.offline;

import static dev.slate.storage.offline.FeatureLogLayout.ENTITY_KEY;
import static dev.slate.storage.offline.FeatureLogLayout.FEATURE_VERSION;
import static dev.slate.storage.offline.FeatureLogLayout.OBSERVED_AT;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_TYPE;
import static dev.slate.storage.offline.FeatureLogLayout.WRITE_SEQ;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.SqlQuoting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.duckdb.DuckDBConnection;

/**
 * Compaction of the feature log ({@code docs/specs/offline-store-iceberg.md} §4a): groups of small data files of
 * one partition, feature version and value type are rewritten by DuckDB into fewer files, sorted by the table's sort
 * order, with the same field ids and rows, and swapped in with Iceberg's {@code RewriteFiles} (a {@code replace}
 * snapshot) validated from the snapshot that was read.
 *
 * <p>Reverse ETL reads files by data sequence number (§5a). A rewritten file gets the greatest data sequence number
 * of the files merged with it in one commit, and files on both sides of a reader's marker are never merged, so a
 * marker sees a compacted file exactly when it would have seen (all of) its inputs.
 */
final class FeatureLogCompaction {

    private static final String COLUMNS = String.join(
            ", ",
            FeatureLogLayout.SCHEMA.columns().stream()
                    .map(Types.NestedField::name)
                    .toList());

    /** Files of one partition, feature version and value type: what may go into one file. */
    private record GroupKey(List<Object> partition, String version, String type) {}

    /** Files merged into one new file. */
    private record Bin(GroupKey group, List<DataFile> inputs) {
        long bytes() {
            return inputs.stream().mapToLong(DataFile::fileSizeInBytes).sum();
        }

        long rows() {
            return inputs.stream().mapToLong(DataFile::recordCount).sum();
        }
    }

    private record Written(Bin bin, DataFile output) {}

    private final Table table;
    private final ReentrantLock tableLock;
    private final EmbeddedDuckDb duckDb;
    /** Runs after the files are written and before they are committed (tests: a concurrent change). */
    private final Runnable beforeCommit;

    FeatureLogCompaction(Table table, ReentrantLock tableLock, EmbeddedDuckDb duckDb, Runnable beforeCommit) {
        this.table = table;
        this.tableLock = tableLock;
        this.duckDb = duckDb;
        this.beforeCommit = beforeCommit;
    }

    CompactionResult run(CompactionOptions options) {
        Snapshot snapshot;
        List<DataFile> files = new ArrayList<>();
        tableLock.lock();
        try {
            table.refresh();
            snapshot = table.currentSnapshot();
            if (snapshot == null) {
                return CompactionResult.NOTHING;
            }
            int specId = table.spec().specId();
            try (CloseableIterable<FileScanTask> tasks = table.newScan()
                    .useSnapshot(snapshot.snapshotId())
                    .includeColumnStats()
                    .planFiles()) {
                for (FileScanTask task : tasks) {
                    DataFile f = task.file();
                    if (task.deletes().isEmpty()
                            && f.specId() == specId
                            && f.format() == FileFormat.PARQUET
                            && f.fileSizeInBytes() < options.smallFileThreshold()
                            && f.dataSequenceNumber() != null) {
                        files.add(f.copy());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } finally {
            tableLock.unlock();
        }
        TreeSet<Long> boundaries = boundaries(options, table.uuid().toString());
        // interval (between two reader markers) -> bins of that interval
        TreeMap<Integer, List<Bin>> byInterval = new TreeMap<>();
        for (Map.Entry<GroupKey, List<DataFile>> group : group(files).entrySet()) {
            Map<Integer, List<DataFile>> segments = new TreeMap<>();
            for (DataFile f : group.getValue()) {
                segments.computeIfAbsent(
                                boundaries
                                        .headSet(f.dataSequenceNumber(), false)
                                        .size(),
                                k -> new ArrayList<>())
                        .add(f);
            }
            segments.forEach((interval, segment) -> {
                if (segment.size() >= options.minInputFiles()) {
                    byInterval
                            .computeIfAbsent(interval, k -> new ArrayList<>())
                            .addAll(pack(group.getKey(), segment, options.targetFileSizeBytes()));
                }
            });
        }
        int groups = 0;
        int removed = 0;
        int added = 0;
        long rows = 0;
        long bytesRemoved = 0;
        long bytesAdded = 0;
        int commits = 0;
        int conflicts = 0;
        for (List<Bin> bins : byInterval.values()) {
            List<Written> written = new ArrayList<>();
            try {
                for (Bin bin : bins) {
                    written.add(new Written(bin, write(bin)));
                }
            } catch (RuntimeException e) {
                written.forEach(w -> DataFileWriter.deleteQuietly(w.output()));
                throw e;
            }
            beforeCommit.run();
            // one commit per interval: its new files share one data sequence number; on a conflict, one per group
            List<List<Written>> attempts = List.of(written);
            boolean retried = false;
            while (!attempts.isEmpty()) {
                List<List<Written>> failed = new ArrayList<>();
                for (List<Written> attempt : attempts) {
                    if (commit(snapshot, attempt)) {
                        commits++;
                        groups += (int) attempt.stream()
                                .map(w -> w.bin().group())
                                .distinct()
                                .count();
                        for (Written w : attempt) {
                            removed += w.bin().inputs().size();
                            added++;
                            rows += w.bin().rows();
                            bytesRemoved += w.bin().bytes();
                            bytesAdded += w.output().fileSizeInBytes();
                        }
                    } else if (!retried && attempt.size() > 1) {
                        Map<GroupKey, List<Written>> perGroup = new LinkedHashMap<>();
                        attempt.forEach(w -> perGroup.computeIfAbsent(w.bin().group(), k -> new ArrayList<>())
                                .add(w));
                        failed.addAll(perGroup.values());
                    } else {
                        conflicts++;
                        attempt.forEach(w -> DataFileWriter.deleteQuietly(w.output()));
                    }
                }
                retried = true;
                attempts = failed;
            }
        }
        return new CompactionResult(groups, removed, added, rows, bytesRemoved, bytesAdded, commits, conflicts);
    }

    /** The data sequence numbers of this table's reader markers. */
    private static TreeSet<Long> boundaries(CompactionOptions options, String tableUuid) {
        TreeSet<Long> out = new TreeSet<>();
        for (String marker : options.readerMarkers()) {
            long seq = LatestValuesScan.since(Optional.of(marker), tableUuid);
            if (seq >= 0) {
                out.add(seq);
            }
        }
        return out;
    }

    /** Files by group; files whose bounds do not pin one feature version and type (not written by Slate) are left alone. */
    private static Map<GroupKey, List<DataFile>> group(List<DataFile> files) {
        int version = FeatureLogLayout.SCHEMA.findField(FEATURE_VERSION).fieldId();
        int type = FeatureLogLayout.SCHEMA.findField(VALUE_TYPE).fieldId();
        Map<GroupKey, List<DataFile>> out = new LinkedHashMap<>();
        for (DataFile f : files) {
            String v = singleString(f, version);
            String t = singleString(f, type);
            if (v == null || t == null) {
                continue;
            }
            List<Object> partition = new ArrayList<>(f.partition().size());
            for (int i = 0; i < f.partition().size(); i++) {
                partition.add(f.partition().get(i, Object.class));
            }
            out.computeIfAbsent(new GroupKey(partition, v, t), k -> new ArrayList<>())
                    .add(f);
        }
        out.values().forEach(list -> list.sort(Comparator.comparingLong(DataFile::dataSequenceNumber)));
        return out;
    }

    private static String singleString(DataFile f, int fieldId) {
        if (f.lowerBounds() == null || f.upperBounds() == null) {
            return null;
        }
        ByteBuffer lower = f.lowerBounds().get(fieldId);
        ByteBuffer upper = f.upperBounds().get(fieldId);
        if (lower == null || !lower.equals(upper)) {
            return null;
        }
        return Conversions.fromByteBuffer(Types.StringType.get(), lower).toString();
    }

    /** Consecutive files (in data sequence order) packed into bins of at most about {@code target} bytes; single files stay. */
    private static List<Bin> pack(GroupKey group, List<DataFile> segment, long target) {
        List<Bin> bins = new ArrayList<>();
        List<DataFile> current = new ArrayList<>();
        long bytes = 0;
        for (DataFile f : segment) {
            if (!current.isEmpty() && bytes + f.fileSizeInBytes() > target) {
                bins.add(new Bin(group, current));
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(f);
            bytes += f.fileSizeInBytes();
        }
        bins.add(new Bin(group, current));
        return bins.stream().filter(b -> b.inputs().size() > 1).toList();
    }

    /** Writes one bin's rows, sorted, into a new file next to its inputs; its metrics merge theirs. */
    private DataFile write(Bin bin) {
        Path directory = LocalFileIO.toPath(bin.inputs().get(0).location()).getParent();
        Path file = directory.resolve(UUID.randomUUID() + ".parquet");
        List<String> inputs = bin.inputs().stream()
                .map(f -> LocalFileIO.toPath(f.location()).toString())
                .toList();
        try (DuckDBConnection c = duckDb.connect()) {
            // the output path is ours (an input's directory plus a UUID); input paths are bound
            String sql = "COPY (SELECT " + COLUMNS + " FROM read_parquet(?) ORDER BY " + ENTITY_KEY + ", " + OBSERVED_AT
                    + ", " + WRITE_SEQ
                    + ") TO " + SqlQuoting.literal(file) + " (FORMAT PARQUET, COMPRESSION zstd, FIELD_IDS "
                    + FeatureLogLayout.duckDbFieldIds() + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, c.createArrayOf("VARCHAR", inputs.toArray()));
                ps.execute();
            }
            long count;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM read_parquet(?)")) {
                ps.setString(1, file.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    count = rs.getLong(1);
                }
            }
            if (count != bin.rows()) {
                throw new OfflineStoreException(
                        "compaction wrote " + count + " rows instead of " + bin.rows() + " into " + file, null);
            }
            DataFile first = bin.inputs().get(0);
            return DataFiles.builder(table.spec())
                    .withPath(LocalFileIO.toLocation(file))
                    .withFormat(FileFormat.PARQUET)
                    .withFileSizeInBytes(Files.size(file))
                    .withPartition(first.partition())
                    .withRecordCount(count)
                    .withMetrics(mergedMetrics(bin.inputs(), count))
                    .withSortOrder(table.sortOrder())
                    .build();
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // an orphan file is never read
            }
            throw new OfflineStoreException(
                    "cannot compact " + inputs.size() + " data files of " + table.name() + ": " + e.getMessage(), e);
        }
    }

    /** Lower bounds are the least of the inputs', upper bounds the greatest; a column without bounds in some input gets none. */
    private static Metrics mergedMetrics(List<DataFile> inputs, long count) {
        Map<Integer, ByteBuffer> lower = new HashMap<>(inputs.get(0).lowerBounds());
        Map<Integer, ByteBuffer> upper = new HashMap<>(inputs.get(0).upperBounds());
        for (DataFile f : inputs.subList(1, inputs.size())) {
            merge(lower, f.lowerBounds(), -1);
            merge(upper, f.upperBounds(), 1);
        }
        return new Metrics(count, Map.of(), Map.of(), Map.of(), Map.of(), lower, upper);
    }

    private static void merge(Map<Integer, ByteBuffer> into, Map<Integer, ByteBuffer> other, int keepSign) {
        into.keySet().retainAll(other.keySet());
        for (Map.Entry<Integer, ByteBuffer> e : into.entrySet()) {
            Type type = FeatureLogLayout.SCHEMA.findType(e.getKey());
            ByteBuffer candidate = other.get(e.getKey());
            Comparator<Object> order = Comparators.forType(type.asPrimitiveType());
            Object mine = Conversions.fromByteBuffer(type, e.getValue());
            Object theirs = Conversions.fromByteBuffer(type, candidate);
            if (Integer.signum(order.compare(theirs, mine)) == keepSign) {
                e.setValue(candidate);
            }
        }
    }

    /** Swaps the bins' inputs for their outputs in one {@code replace} snapshot; false (nothing changed) on a conflict. */
    private boolean commit(Snapshot read, List<Written> written) {
        long dataSequence = written.stream()
                .flatMap(w -> w.bin().inputs().stream())
                .mapToLong(DataFile::dataSequenceNumber)
                .max()
                .orElseThrow();
        tableLock.lock();
        try {
            RewriteFiles rewrite =
                    table.newRewrite().validateFromSnapshot(read.snapshotId()).dataSequenceNumber(dataSequence);
            for (Written w : written) {
                w.bin().inputs().forEach(rewrite::deleteFile);
                rewrite.addFile(w.output());
            }
            rewrite.set("slate.operation", "compact");
            rewrite.commit();
            return true;
        } catch (ValidationException | CommitFailedException e) {
            // an input is gone (dropped namespace, another compaction) or the retries ran out: leave the table as it is
            return false;
        } finally {
            tableLock.unlock();
        }
    }
}
