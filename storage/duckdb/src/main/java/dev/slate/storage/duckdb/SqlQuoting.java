package dev.slate.storage.duckdb;

import java.nio.file.Path;

/**
 * The one place that turns a name or a text into SQL text, for the few spots where a bind parameter is
 * impossible: identifiers (column and table names taken from projects and spine files, in DuckDB and in the
 * PostgreSQL statements resolvers run, which quote identifiers alike) and the targets of {@code COPY … TO} and
 * {@code read_parquet(…)}. Values that a statement can bind never pass
 * through here. This is a security boundary: what it returns is always exactly one identifier or one string
 * literal, whatever the input holds; inputs that cannot be represented faithfully are refused.
 */
public final class SqlQuoting {

    private SqlQuoting() {}

    /**
     * A double-quoted identifier: {@code "} doubled, everything else kept as is (DuckDB's quoted identifiers
     * know no backslash escapes).
     *
     * @throws IllegalArgumentException for null, an empty name, a NUL character or an unpaired surrogate
     */
    public static String identifier(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an SQL identifier must not be empty");
        }
        requireRepresentable(name, "identifier");
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * A single-quoted string literal: {@code '} doubled, everything else kept as is (a standard string
     * literal; backslashes are plain characters). The empty text gives {@code ''}.
     *
     * @throws IllegalArgumentException for null, a NUL character or an unpaired surrogate
     */
    public static String literal(String text) {
        if (text == null) {
            throw new IllegalArgumentException("an SQL string literal must not be null");
        }
        requireRepresentable(text, "string literal");
        return '\'' + text.replace("'", "''") + '\'';
    }

    /** A file system path as a string literal (for {@code COPY … TO} and {@code read_parquet}). */
    public static String literal(Path path) {
        return literal(path.toString());
    }

    private static void requireRepresentable(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\0') {
                throw new IllegalArgumentException("an SQL " + what + " must not contain a NUL character");
            }
            if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                throw new IllegalArgumentException(
                        "an SQL " + what + " must be valid Unicode (unpaired surrogate at " + i + ")");
            }
        }
    }
}
