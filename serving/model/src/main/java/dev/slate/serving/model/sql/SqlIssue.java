package dev.slate.serving.model.sql;

import static java.util.Objects.requireNonNull;

/** Something wrong with resolver SQL, at a character offset. */
public record SqlIssue(int offset, String message) {
    public SqlIssue {
        requireNonNull(message, "message is null");
    }
}
