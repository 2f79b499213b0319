package dev.slate.serving.model.sql;

import dev.slate.serving.model.sql.SqlStatement.Column;
import dev.slate.serving.model.sql.SqlStatement.Parameter;
import dev.slate.serving.model.sql.SqlToken.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/** Reads parameters and the SELECT list of one resolver statement. */
final class SqlAnalyzer {

    /** Words that end a SELECT list. */
    private static final Set<String> LIST_END = Set.of(
            "from",
            "into",
            "where",
            "group",
            "having",
            "window",
            "order",
            "limit",
            "offset",
            "fetch",
            "for",
            "union",
            "intersect",
            "except",
            "returning");

    /** Words that cannot name a column without AS. */
    private static final Set<String> RESERVED = Set.of(
            "all",
            "and",
            "any",
            "array",
            "as",
            "asc",
            "between",
            "case",
            "cast",
            "collate",
            "desc",
            "distinct",
            "else",
            "end",
            "false",
            "from",
            "in",
            "is",
            "isnull",
            "like",
            "ilike",
            "not",
            "notnull",
            "null",
            "or",
            "select",
            "similar",
            "some",
            "then",
            "true",
            "when",
            "where",
            "with");

    private SqlAnalyzer() {}

    static SqlStatement analyze(String sql) {
        SqlLexer.Result lexed = SqlLexer.lex(sql);
        List<SqlToken> tokens = lexed.tokens();
        List<SqlIssue> issues = new ArrayList<>(lexed.issues());

        Map<String, Parameter> parameters = new LinkedHashMap<>();
        StringBuilder positional = new StringBuilder(sql.length());
        int copied = 0;
        for (SqlToken t : tokens) {
            if (t.kind() == Kind.PARAM) {
                parameters.putIfAbsent(t.text(), new Parameter(t.text(), t.start()));
                int index = indexOf(parameters, t.text()) + 1;
                positional.append(sql, copied, t.start()).append('$').append(index);
                copied = t.end();
            } else if (t.kind() == Kind.POSITIONAL) {
                issues.add(new SqlIssue(
                        t.start(),
                        "positional parameter " + t.text() + " is not allowed; name the feature instead, e.g. :id"));
            }
        }
        positional.append(sql, copied, sql.length());

        SelectList select = issues.isEmpty() ? selectList(tokens, issues) : new SelectList(List.of(), false);
        return new SqlStatement(
                sql, List.copyOf(parameters.values()), positional.toString(), select.columns, select.star, issues);
    }

    static String replaceParameters(String sql, List<Parameter> parameters, IntFunction<String> replacement) {
        StringBuilder out = new StringBuilder(sql.length() + 16 * parameters.size());
        int copied = 0;
        for (SqlToken t : SqlLexer.lex(sql).tokens()) {
            if (t.kind() == Kind.PARAM) {
                int index = -1;
                for (int i = 0; i < parameters.size(); i++) {
                    if (parameters.get(i).name().equals(t.text())) {
                        index = i;
                        break;
                    }
                }
                if (index < 0) {
                    throw new IllegalArgumentException(
                            "parameter :" + t.text() + " is not one of the statement's parameters");
                }
                out.append(sql, copied, t.start()).append(replacement.apply(index + 1));
                copied = t.end();
            }
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    private static int indexOf(Map<String, Parameter> parameters, String name) {
        int i = 0;
        for (String key : parameters.keySet()) {
            if (key.equals(name)) {
                return i;
            }
            i++;
        }
        throw new IllegalStateException(name);
    }

    private record SelectList(List<Column> columns, boolean star) {}

    private static SelectList selectList(List<SqlToken> tokens, List<SqlIssue> issues) {
        if (tokens.isEmpty()) {
            issues.add(new SqlIssue(0, "the SQL is empty; a resolver runs one SELECT"));
            return new SelectList(List.of(), false);
        }
        SqlToken first = tokens.getFirst();
        if (!(first.isWord("select") || first.isWord("with") || first.isSymbol("("))) {
            issues.add(new SqlIssue(first.start(), "a resolver runs one SELECT statement, not " + describe(first)));
            return new SelectList(List.of(), false);
        }
        checkSingleStatement(tokens, issues);

        // The outermost SELECT: the first one at depth 0 (WITH bodies are in parentheses), or, for a
        // statement in parentheses, the first at the smallest depth.
        int selectIndex = -1;
        int bestDepth = Integer.MAX_VALUE;
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            if (t.isSymbol("(")) {
                depth++;
            } else if (t.isSymbol(")")) {
                depth--;
            } else if (t.isWord("select") && depth < bestDepth) {
                bestDepth = depth;
                selectIndex = i;
                if (depth == 0) {
                    break;
                }
            }
        }
        if (selectIndex < 0) {
            issues.add(new SqlIssue(first.start(), "no SELECT list found"));
            return new SelectList(List.of(), false);
        }
        int i = selectIndex + 1;
        if (i < tokens.size()
                && (tokens.get(i).isWord("distinct") || tokens.get(i).isWord("all"))) {
            boolean distinct = tokens.get(i).isWord("distinct");
            i++;
            if (distinct
                    && i < tokens.size()
                    && tokens.get(i).isWord("on")
                    && i + 1 < tokens.size()
                    && tokens.get(i + 1).isSymbol("(")) {
                i = skipGroup(tokens, i + 1);
            }
        }
        List<List<SqlToken>> items = new ArrayList<>();
        List<SqlToken> current = new ArrayList<>();
        depth = 0;
        for (; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            if (depth == 0
                    && (t.kind() == Kind.WORD && LIST_END.contains(t.text()) || t.isSymbol(";") || t.isSymbol(")"))) {
                break;
            }
            if (opens(t)) {
                depth++;
            } else if (closes(t)) {
                depth--;
            }
            if (depth == 0 && t.isSymbol(",")) {
                items.add(current);
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        items.add(current);
        if (items.size() == 1 && items.getFirst().isEmpty()) {
            issues.add(new SqlIssue(tokens.get(selectIndex).start(), "the SELECT list is empty"));
            return new SelectList(List.of(), false);
        }
        List<Column> columns = new ArrayList<>();
        boolean star = false;
        for (List<SqlToken> item : items) {
            if (item.isEmpty()) {
                issues.add(new SqlIssue(
                        tokens.get(selectIndex).start(), "the SELECT list has an empty item (two commas in a row?)"));
                continue;
            }
            SqlToken last = item.getLast();
            if (last.isSymbol("*")) {
                star = true;
                continue;
            }
            nameOf(item)
                    .ifPresentOrElse(
                            columns::add,
                            () -> issues.add(new SqlIssue(
                                    item.getFirst().start(),
                                    "the SELECT list item '" + text(item) + "' has no column name; add AS <feature>")));
        }
        return new SelectList(columns, star);
    }

    private static void checkSingleStatement(List<SqlToken> tokens, List<SqlIssue> issues) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isSymbol(";")) {
                for (int j = i + 1; j < tokens.size(); j++) {
                    if (!tokens.get(j).isSymbol(";")) {
                        issues.add(new SqlIssue(
                                tokens.get(j).start(), "a resolver runs one statement; found more after ';'"));
                        return;
                    }
                }
            }
        }
    }

    /** Index after the group that starts with the "(" at {@code open}. */
    private static int skipGroup(List<SqlToken> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            if (tokens.get(i).isSymbol("(")) {
                depth++;
            } else if (tokens.get(i).isSymbol(")")) {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return tokens.size();
    }

    private static Optional<Column> nameOf(List<SqlToken> item) {
        // explicit alias: the last AS at depth 0
        int depth = 0;
        int as = -1;
        for (int i = 0; i < item.size(); i++) {
            SqlToken t = item.get(i);
            if (opens(t)) {
                depth++;
            } else if (closes(t)) {
                depth--;
            } else if (depth == 0 && t.isWord("as")) {
                as = i;
            }
        }
        if (as >= 0) {
            if (as == item.size() - 2 && item.get(as + 1).isIdentifier()) {
                return Optional.of(column(item.get(as + 1)));
            }
            return Optional.empty();
        }
        List<SqlToken> expr = stripCasts(item);
        if (expr.isEmpty()) {
            return Optional.empty();
        }
        // a column reference: name or qualifier.name
        if (isDottedName(expr)) {
            return Optional.of(column(expr.getLast()));
        }
        // an implicit alias: "<expression> name"
        SqlToken last = item.getLast();
        if (item.size() >= 2 && isName(last)) {
            SqlToken before = item.get(item.size() - 2);
            if (endsOperand(before)) {
                return Optional.of(column(last));
            }
        }
        return Optional.empty();
    }

    /** Drops trailing {@code ::type} casts (PostgreSQL names {@code x::int} after {@code x}). */
    private static List<SqlToken> stripCasts(List<SqlToken> item) {
        List<SqlToken> expr = item;
        while (true) {
            int cast = -1;
            int depth = 0;
            for (int i = 0; i < expr.size(); i++) {
                SqlToken t = expr.get(i);
                if (opens(t)) {
                    depth++;
                } else if (closes(t)) {
                    depth--;
                } else if (depth == 0 && t.isSymbol("::")) {
                    cast = i;
                }
            }
            if (cast < 0 || !isTypeName(expr.subList(cast + 1, expr.size()))) {
                return expr;
            }
            expr = expr.subList(0, cast);
        }
    }

    private static boolean isTypeName(List<SqlToken> tokens) {
        if (tokens.isEmpty() || !tokens.getFirst().isIdentifier()) {
            return false;
        }
        for (SqlToken t : tokens) {
            if (!(t.isIdentifier()
                    || t.kind() == Kind.NUMBER
                    || t.isSymbol("(")
                    || t.isSymbol(")")
                    || t.isSymbol("[")
                    || t.isSymbol("]")
                    || t.isSymbol(",")
                    || t.isSymbol("."))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDottedName(List<SqlToken> expr) {
        if (expr.size() % 2 == 0) {
            return false;
        }
        for (int i = 0; i < expr.size(); i++) {
            SqlToken t = expr.get(i);
            boolean ok = i % 2 == 0 ? isName(t) : t.isSymbol(".");
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isName(SqlToken t) {
        return t.kind() == Kind.QUOTED || t.kind() == Kind.WORD && !RESERVED.contains(t.text());
    }

    private static boolean endsOperand(SqlToken t) {
        return t.isSymbol(")")
                || t.isSymbol("]")
                || t.kind() == Kind.STRING
                || t.kind() == Kind.NUMBER
                || t.kind() == Kind.QUOTED
                || t.kind() == Kind.PARAM
                || t.isWord("end")
                || t.kind() == Kind.WORD && !RESERVED.contains(t.text());
    }

    private static Column column(SqlToken t) {
        return new Column(t.text(), t.start());
    }

    private static String describe(SqlToken t) {
        return t.kind() == Kind.WORD ? t.text().toUpperCase(Locale.ROOT) : "'" + t.text() + "'";
    }

    private static String text(List<SqlToken> item) {
        StringBuilder sb = new StringBuilder();
        SqlToken prev = null;
        for (SqlToken t : item) {
            if (prev != null && prev.end() < t.start()) {
                sb.append(' ');
            }
            sb.append(
                    t.kind() == Kind.PARAM
                            ? ":" + t.text()
                            : t.kind() == Kind.QUOTED ? '"' + t.text() + '"' : t.text());
            prev = t;
        }
        String s = sb.toString();
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** ( [ and { open a nesting level (DuckDB writes lists as [..] and structs as {..}); commas inside do not split. */
    private static boolean opens(SqlToken t) {
        return t.isSymbol("(") || t.isSymbol("[") || t.isSymbol("{");
    }

    private static boolean closes(SqlToken t) {
        return t.isSymbol(")") || t.isSymbol("]") || t.isSymbol("}");
    }
}
