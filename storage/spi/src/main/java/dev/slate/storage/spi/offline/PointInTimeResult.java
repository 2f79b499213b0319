package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.StoredValue;
import java.util.Collections;
import java.util.List;

/**
 * The answer to a {@link PointInTimeQuery}: one row per spine row, in spine order; each row has one element
 * per requested feature, in request order: the observation chosen ({@link StoredValue} with the value, which
 * may be null, and its observation time), or null when no observation matches.
 */
public record PointInTimeResult(List<List<StoredValue>> rows) {
    public PointInTimeResult {
        requireNonNull(rows, "rows is null");
        // rows hold nulls, so List.copyOf cannot be used; callers hand over lists they no longer touch
        rows = Collections.unmodifiableList(rows);
    }

    /** The observation chosen for spine row {@code row} and requested feature {@code feature}, or null. */
    public StoredValue get(int row, int feature) {
        return rows.get(row).get(feature);
    }

    public int size() {
        return rows.size();
    }
}
