package dev.slate.storage.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The type of a feature value. Scalars map to fixed Java classes; lists hold scalars or lists.
 *
 * <p>Java representation (the only one used across Slate):
 * int → {@link Long}, float → {@link Double}, string → {@link String}, bool → {@link Boolean},
 * datetime → {@link java.time.Instant} (UTC), date → {@link java.time.LocalDate},
 * list&lt;T&gt; → {@link java.util.List} of T (elements may be null).
 */
public sealed interface FeatureType permits FeatureType.Scalar, FeatureType.ListOf {

    /** The type as written in project files, for example {@code int} or {@code list<string>}. */
    String spelling();

    enum Scalar implements FeatureType {
        INT("int"),
        FLOAT("float"),
        STRING("string"),
        BOOL("bool"),
        DATETIME("datetime"),
        DATE("date");

        private final String spelling;

        Scalar(String spelling) {
            this.spelling = spelling;
        }

        @Override
        public String spelling() {
            return spelling;
        }

        @Override
        public String toString() {
            return spelling;
        }
    }

    record ListOf(FeatureType element) implements FeatureType {
        public ListOf {
            Objects.requireNonNull(element, "element is null");
        }

        @Override
        public String spelling() {
            return "list<" + element.spelling() + ">";
        }

        @Override
        public String toString() {
            return spelling();
        }
    }

    /** Parses a type as written in a project file; empty when the text names no known type. */
    static Optional<FeatureType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip();
        if (t.startsWith("list<") && t.endsWith(">")) {
            return parse(t.substring(5, t.length() - 1)).map(ListOf::new);
        }
        for (Scalar s : Scalar.values()) {
            if (s.spelling.equals(t)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** All spellings of the scalar types, for error messages. */
    static String knownTypes() {
        return "int, float, string, bool, datetime, date, list<T>";
    }
}
