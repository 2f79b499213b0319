package dev.slate.model.sql;

import static java.util.Objects.requireNonNull;

/**
 * Quotes SQL identifiers (PostgreSQL and DuckDB spelling: {@code "name"}, an inner {@code "} doubled). The data
 * plane writes identifiers into SQL only through this class; values are always bind parameters.
 */
public final class SqlIdentifiers {
    private SqlIdentifiers() {
    }

    /** {@code name} as a quoted identifier; refuses a NUL character, which no identifier may hold. */
    public static String quote(String name) {
        requireNonNull(name, "name is null");
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an SQL identifier cannot hold a NUL character");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
