package dev.slate.serving.engine.exec;

import static java.util.Objects.requireNonNull;

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
}
