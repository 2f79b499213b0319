package dev.slate.serving.model.sql;

import static java.util.Objects.requireNonNull;

/**
 * One lexical token of resolver SQL.
 *
 * @param text for {@link Kind#WORD} the lower-cased word, for {@link Kind#QUOTED} the identifier
 *     without quotes, for {@link Kind#PARAM} the parameter name without the colon, otherwise the text
 *     as written
 * @param start offset of the first character in the SQL
 * @param end offset after the last character
 */
public record SqlToken(Kind kind, String text, int start, int end) {
    public SqlToken {
        requireNonNull(kind, "kind is null");
        requireNonNull(text, "text is null");
    }

    public enum Kind {
        /** An unquoted identifier or keyword. */
        WORD,
        /** A double-quoted identifier. */
        QUOTED,
        /** A string constant ('…', E'…', $$…$$). */
        STRING,
        NUMBER,
        /** A named parameter {@code :name}. */
        PARAM,
        /** A positional parameter {@code $1} (not allowed in resolvers: they use names). */
        POSITIONAL,
        /** Punctuation and operators; {@code ::} is one token. */
        SYMBOL
    }

    public boolean isWord(String lowerCase) {
        return kind == Kind.WORD && text.equals(lowerCase);
    }

    public boolean isSymbol(String symbol) {
        return kind == Kind.SYMBOL && text.equals(symbol);
    }

    /** A name: an unquoted or quoted identifier. */
    public boolean isIdentifier() {
        return kind == Kind.WORD || kind == Kind.QUOTED;
    }
}
