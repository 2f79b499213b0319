package dev.slate.serving.engine.exec;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Which related rows a {@code many: true} resolver returns, pushed down into its statement: rows whose
 * {@code timeColumn} is in {@code (after, until]}, newest first, at most {@code limit}.
 *
 * @param after exclusive lower bound on the time column; empty = no lower bound
 * @param until inclusive upper bound on the time column (the query time)
 * @param limit the most rows returned; 0 = every row
 */
public record RowsQuery(String timeColumn, Optional<Instant> after, Instant until, int limit) {
    public RowsQuery {
        requireNonNull(timeColumn, "timeColumn is null");
        requireNonNull(after, "after is null");
        requireNonNull(until, "until is null");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
    }
}
