package dev.slate.serving.model.sql;

import dev.slate.serving.model.sql.SqlToken.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits PostgreSQL text into tokens, skipping comments ({@code --}, nested {@code /* *}{@code /}) and
 * keeping string constants ({@code '…'}, {@code E'…'}, {@code $tag$…$tag$}) and quoted identifiers
 * whole, so that a {@code :name} inside them is never taken for a parameter. {@code ::} (a cast) is one
 * token.
 */
public final class SqlLexer {
    private final String sql;
    private final List<SqlToken> tokens = new ArrayList<>();
    private final List<SqlIssue> issues = new ArrayList<>();
    private int pos;

    private SqlLexer(String sql) {
        this.sql = sql;
    }

    /** Tokens and lexical issues (unterminated strings or comments) of {@code sql}. */
    public static Result lex(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        lexer.run();
        return new Result(List.copyOf(lexer.tokens), List.copyOf(lexer.issues));
    }

    public record Result(List<SqlToken> tokens, List<SqlIssue> issues) {}

    private void run() {
        int n = sql.length();
        while (pos < n) {
            char c = sql.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '-' && peek(1) == '-') {
                while (pos < n && sql.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '/' && peek(1) == '*') {
                blockComment();
            } else if (c == '\'') {
                string(pos, false);
            } else if (c == '"') {
                quotedIdentifier();
            } else if (c == '$') {
                dollar();
            } else if (c == ':') {
                colon();
            } else if (isIdentifierStart(c)) {
                word();
            } else if (Character.isDigit(c) || c == '.' && Character.isDigit(peek(1))) {
                number();
            } else {
                tokens.add(new SqlToken(Kind.SYMBOL, String.valueOf(c), pos, pos + 1));
                pos++;
            }
        }
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < sql.length() ? sql.charAt(i) : '\0';
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private void blockComment() {
        int start = pos;
        int depth = 0;
        while (pos < sql.length()) {
            if (sql.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (sql.startsWith("*/", pos)) {
                depth--;
                pos += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                pos++;
            }
        }
        issues.add(new SqlIssue(start, "unterminated /* comment"));
    }

    /** A '…' constant starting at {@code pos}; {@code tokenStart} includes a prefix such as E. */
    private void string(int tokenStart, boolean backslashEscapes) {
        int start = pos;
        pos++;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (backslashEscapes && c == '\\') {
                pos += 2;
            } else if (c == '\'') {
                if (peek(1) == '\'') {
                    pos += 2;
                } else {
                    pos++;
                    tokens.add(new SqlToken(Kind.STRING, sql.substring(tokenStart, pos), tokenStart, pos));
                    return;
                }
            } else {
                pos++;
            }
        }
        pos = sql.length();
        issues.add(new SqlIssue(start, "unterminated string constant"));
    }

    private void quotedIdentifier() {
        int start = pos;
        StringBuilder name = new StringBuilder();
        pos++;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (c == '"') {
                if (peek(1) == '"') {
                    name.append('"');
                    pos += 2;
                } else {
                    pos++;
                    tokens.add(new SqlToken(Kind.QUOTED, name.toString(), start, pos));
                    return;
                }
            } else {
                name.append(c);
                pos++;
            }
        }
        issues.add(new SqlIssue(start, "unterminated quoted identifier"));
    }

    private void dollar() {
        int start = pos;
        if (Character.isDigit(peek(1))) {
            pos++;
            while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
                pos++;
            }
            tokens.add(new SqlToken(Kind.POSITIONAL, sql.substring(start, pos), start, pos));
            return;
        }
        int i = pos + 1;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        if (i < sql.length() && sql.charAt(i) == '$') {
            String tag = sql.substring(pos, i + 1);
            int close = sql.indexOf(tag, i + 1);
            if (close < 0) {
                pos = sql.length();
                issues.add(new SqlIssue(start, "unterminated dollar-quoted string " + tag));
                return;
            }
            pos = close + tag.length();
            tokens.add(new SqlToken(Kind.STRING, sql.substring(start, pos), start, pos));
            return;
        }
        tokens.add(new SqlToken(Kind.SYMBOL, "$", start, start + 1));
        pos++;
    }

    private void colon() {
        int start = pos;
        if (peek(1) == ':') {
            tokens.add(new SqlToken(Kind.SYMBOL, "::", start, start + 2));
            pos += 2;
            return;
        }
        if (isIdentifierStart(peek(1))) {
            pos++;
            while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '_')) {
                pos++;
            }
            tokens.add(new SqlToken(Kind.PARAM, sql.substring(start + 1, pos), start, pos));
            return;
        }
        tokens.add(new SqlToken(Kind.SYMBOL, ":", start, start + 1));
        pos++;
    }

    private void word() {
        int start = pos;
        while (pos < sql.length() && isIdentifierPart(sql.charAt(pos))) {
            pos++;
        }
        String word = sql.substring(start, pos);
        if (pos < sql.length() && sql.charAt(pos) == '\'') {
            String prefix = word.toUpperCase(Locale.ROOT);
            if (prefix.equals("E") || prefix.equals("X") || prefix.equals("B") || prefix.equals("N")) {
                string(start, prefix.equals("E"));
                return;
            }
        }
        tokens.add(new SqlToken(Kind.WORD, word.toLowerCase(Locale.ROOT), start, pos));
    }

    private void number() {
        int start = pos;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_') {
                pos++;
            } else if ((c == '+' || c == '-') && (sql.charAt(pos - 1) == 'e' || sql.charAt(pos - 1) == 'E')) {
                pos++;
            } else {
                break;
            }
        }
        tokens.add(new SqlToken(Kind.NUMBER, sql.substring(start, pos), start, pos));
    }
}
