package dev.slate.serving.engine.exec;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What one row of a batched resolver run gave (docs/specs/resolver-batching.md): the row's first result row as
 * column → raw value (empty when the statement returned none for it), or a failure of that row alone.
 */
public sealed interface BatchedAnswer {

    /** The row's result: column → raw value, empty when there was no result row. */
    record Found(Map<String, Object> columns) implements BatchedAnswer {
        public Found {
            requireNonNull(columns, "columns is null");
        }
    }

    /** This row failed (for example, the statement returned more than one row for it); the others may not have. */
    record Failed(Throwable cause) implements BatchedAnswer {
        public Failed {
            requireNonNull(cause, "cause is null");
        }
    }

    /**
     * One answer per row of a batch from every result row of one batched statement, each tagged with its 1-based row
     * number in column {@code rowColumn} (which is removed): the row's first result row, nothing for a row without
     * one, and a failure for a row with more than one.
     */
    static List<BatchedAnswer> ofTaggedRows(List<Map<String, Object>> rows, int rowCount, String rowColumn) {
        List<Map<String, Object>> first = new ArrayList<>(Collections.nCopies(rowCount, null));
        int[] count = new int[rowCount];
        for (Map<String, Object> row : rows) {
            int index = ((Number) row.remove(rowColumn)).intValue() - 1;
            if (count[index]++ == 0) {
                first.set(index, row);
            }
        }
        List<BatchedAnswer> answers = new ArrayList<>(rowCount);
        for (int r = 0; r < rowCount; r++) {
            answers.add(
                    count[r] > 1
                            ? new Failed(new ResolverFailure("query returned " + count[r]
                                    + " rows; a resolver must return at most one row per input"))
                            : new Found(first.get(r) == null ? Map.of() : first.get(r)));
        }
        return answers;
    }
}
