package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A point-in-time query whose spine is a Parquet file and whose answer is written to a Parquet file: the
 * bulk form of {@link OfflineStore#lookup}, with the same semantics (docs/specs/point-in-time.md), for spines of millions of rows.
 *
 * <p><b>Spine file.</b> One Parquet file; its rows in file order are the spine rows in order. It holds the
 * key columns {@code keyColumns} (the parts of the entity key, in order: each an integer column, read as a
 * {@link Long} part, or a string column, read as a {@link String} part) and {@link #INPUT_TIME}, a
 * timestamp with time zone (Parquet {@code TIMESTAMP(isAdjustedToUTC=true, MICROS)}; a timestamp without
 * zone is read as UTC). None of these may be null. Other columns are ignored.
 *
 * <p><b>Output file.</b> One row per spine row, in spine order, duplicates included. Columns: the key
 * columns as in the spine, {@link #INPUT_TIME}, then one column per feature, named {@link ExportedFeature#column()}
 * and typed by the feature's type (see {@link ExportColumnTypes}); null where no observation matches or the
 * matching observation holds null. The file appears at {@code output} only when it is complete: it is written
 * under another name in the same directory and moved into place, replacing any file there; after a failure
 * or a cancellation nothing is left at either name.
 *
 * @param namespace the environment whose observations are read
 * @param entity the entity class of every feature
 * @param spine the spine file
 * @param keyColumns the names of the key columns in the spine, in key-part order
 * @param features the features, in output column order
 * @param output where the answer goes
 */
public record PointInTimeExport(
        String namespace,
        String entity,
        Path spine,
        List<String> keyColumns,
        List<ExportedFeature> features,
        Path output) {

    /** The name of the time column in the spine and in the output. */
    public static final String INPUT_TIME = "input_time";

    /** Characters a Parquet reader may take for a glob in a path. */
    private static final Pattern GLOB = Pattern.compile("[*?\\[\\]{}]");

    public PointInTimeExport {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(entity, "entity is null");
        requireNonNull(spine, "spine is null");
        requireNonNull(output, "output is null");
        keyColumns = List.copyOf(keyColumns);
        features = List.copyOf(features);
        spine = spine.toAbsolutePath().normalize();
        output = output.toAbsolutePath().normalize();
        if (keyColumns.isEmpty()) {
            throw new IllegalArgumentException("a spine has at least one key column");
        }
        Set<String> names = new HashSet<>();
        names.add(INPUT_TIME);
        for (String key : keyColumns) {
            if (!names.add(key)) {
                throw new IllegalArgumentException(
                        "column '" + key + "' appears twice among the key columns and " + INPUT_TIME);
            }
        }
        for (ExportedFeature f : features) {
            if (!names.add(f.column())) {
                throw new IllegalArgumentException("output column '" + f.column() + "' is used twice");
            }
        }
        if (GLOB.matcher(spine.toString()).find()) {
            throw new IllegalArgumentException("the spine path must not contain any of * ? [ ] { }: " + spine);
        }
        if (spine.equals(output)) {
            throw new IllegalArgumentException("the output must not replace the spine");
        }
    }
}
