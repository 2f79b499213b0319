package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

/**
 * One feature of a {@link PointInTimeExport}: what to look up (slot and staleness bound, as for
 * {@link OfflineStore#lookup}) and the name of its column in the output file.
 */
public record ExportedFeature(FeatureLookup lookup, String column) {
    public ExportedFeature {
        requireNonNull(lookup, "lookup is null");
        requireNonNull(column, "column is null");
        if (column.isEmpty()) {
            throw new IllegalArgumentException("column must not be empty");
        }
    }
}
