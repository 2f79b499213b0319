package dev.slate.serving.model.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlStatementTest {

    private static List<String> columns(String sql) {
        SqlStatement s = SqlStatement.analyze(sql);
        assertThat(s.issues()).as("issues of " + sql).isEmpty();
        return s.columns().stream().map(SqlStatement.Column::name).toList();
    }

    private static List<String> parameters(String sql) {
        return SqlStatement.analyze(sql).parameters().stream()
                .map(SqlStatement.Parameter::name)
                .toList();
    }

    private static List<String> issues(String sql) {
        return SqlStatement.analyze(sql).issues().stream()
                .map(SqlIssue::message)
                .toList();
    }

    @Test
    void plainColumns() {
        assertThat(columns("SELECT id, email, age FROM users WHERE id = :id")).containsExactly("id", "email", "age");
    }

    @Test
    void qualifiedColumnsTakeTheLastPart() {
        assertThat(columns("select u.email, public.users.age from public.users u"))
                .containsExactly("email", "age");
    }

    @Test
    void duckDbListAndStructLiteralsDoNotSplit() {
        assertThat(columns("SELECT [a, b] AS xs, {'k': a, 'v': b} AS kv, id FROM t WHERE id = :id"))
                .containsExactly("xs", "kv", "id");
    }

    @Test
    void aliasesWithAndWithoutAs() {
        assertThat(columns("SELECT lower(email) AS email, age + 1 next_age, u.name nm FROM users u"))
                .containsExactly("email", "next_age", "nm");
    }

    @Test
    void commasInsideParenthesesDoNotSplit() {
        assertThat(columns("SELECT coalesce(a, b, 'x,y') AS c, greatest(1, (2, 3)) AS g FROM t"))
                .containsExactly("c", "g");
    }

    @Test
    void quotedIdentifiersKeepCaseUnquotedFoldToLowerCase() {
        assertThat(columns("SELECT \"Email\", Age, \"we\"\"ird\" AS \"Odd Name\" FROM t"))
                .containsExactly("Email", "age", "Odd Name");
    }

    @Test
    void castsKeepTheColumnName() {
        assertThat(columns("SELECT amount::float8, ts::timestamp(3), x::numeric(10, 2), y::text[] FROM t"))
                .containsExactly("amount", "ts", "x", "y");
    }

    @Test
    void castInsideExpressionNeedsAlias() {
        assertThat(columns("SELECT CAST(a AS int) AS a, (b)::int AS b FROM t")).containsExactly("a", "b");
        assertThat(issues("SELECT CAST(a AS int) FROM t"))
                .singleElement()
                .asString()
                .contains("no column name");
    }

    @Test
    void caseExpressionWithAlias() {
        assertThat(columns("SELECT CASE WHEN a > 1 THEN 'x' ELSE 'y' END AS kind, CASE WHEN b THEN 1 END flag FROM t"))
                .containsExactly("kind", "flag");
        assertThat(issues("SELECT CASE WHEN a THEN 1 END FROM t")).hasSize(1);
    }

    @Test
    void distinctAndDistinctOn() {
        assertThat(columns("SELECT DISTINCT a, b FROM t")).containsExactly("a", "b");
        assertThat(columns("SELECT DISTINCT ON (a, b) a, c FROM t ORDER BY a")).containsExactly("a", "c");
    }

    @Test
    void withQueriesUseTheMainSelect() {
        assertThat(columns(
                        "WITH x AS (SELECT a, b FROM t WHERE id = :id) SELECT x.a AS total, c FROM x JOIN y ON true"))
                .containsExactly("total", "c");
    }

    @Test
    void subqueriesInTheSelectList() {
        assertThat(columns("SELECT (SELECT max(v) FROM w WHERE w.id = t.id) AS top, name FROM t"))
                .containsExactly("top", "name");
    }

    @Test
    void unionTakesTheFirstSelectList() {
        assertThat(columns("SELECT a, b FROM t UNION ALL SELECT c, d FROM u")).containsExactly("a", "b");
    }

    @Test
    void selectWithoutFrom() {
        assertThat(columns("SELECT :id * 2 AS doubled")).containsExactly("doubled");
    }

    @Test
    void starIsRecognised() {
        assertThat(SqlStatement.analyze("SELECT * FROM t").selectsStar()).isTrue();
        assertThat(SqlStatement.analyze("SELECT t.*, x FROM t").selectsStar()).isTrue();
        assertThat(SqlStatement.analyze("SELECT count(*) AS n FROM t").selectsStar())
                .isFalse();
        assertThat(SqlStatement.analyze("SELECT a * b AS p FROM t").selectsStar())
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "UPDATE t SET a = 1                         | one SELECT statement",
                "''                                         | empty",
                "SELECT a FROM t; DELETE FROM t             | one statement",
                "SELECT count(*) FROM t                     | no column name",
                "SELECT 1 FROM t                            | no column name",
                "SELECT a,, b FROM t                        | empty item",
                "SELECT a FROM t WHERE b = 'open            | unterminated string",
                "SELECT a /* comment FROM t                 | unterminated /* comment",
                "SELECT a FROM t WHERE id = $1              | positional parameter $1",
                "SELECT FROM t                              | SELECT list is empty",
            })
    void badStatements(String sql, String message) {
        assertThat(issues(sql)).as(sql).anySatisfy(m -> assertThat(m).contains(message));
    }

    @Test
    void trailingSemicolonIsFine() {
        assertThat(columns("SELECT a FROM t;")).containsExactly("a");
    }

    @Test
    void parametersInOrderOfFirstUseSameNameSameIndex() {
        SqlStatement s = SqlStatement.analyze("SELECT a FROM t WHERE x = :x AND y = :y OR x2 = :x");
        assertThat(parameters(s.sql())).containsExactly("x", "y");
        assertThat(s.positionalSql()).isEqualTo("SELECT a FROM t WHERE x = $1 AND y = $2 OR x2 = $1");
    }

    @Test
    void castsLiteralsAndCommentsAreNotParameters() {
        String sql = """
                SELECT a::int AS a, ':nope' AS b, E'it\\'s :nope' AS c, $$ :nope $$ AS d, $tag$ :nope $tag$ AS e,
                       "col:nope" AS f -- :nope
                FROM t /* :nope /* nested :nope */ still :nope */
                WHERE id = :id AND ts > now() - interval '1 day' AND arr[1:2] = x
                """;
        SqlStatement s = SqlStatement.analyze(sql);
        assertThat(s.issues()).isEmpty();
        assertThat(parameters(sql)).containsExactly("id");
        assertThat(s.positionalSql())
                .contains("WHERE id = $1")
                .contains("':nope'")
                .contains("a::int")
                .contains("-- :nope");
        assertThat(s.columns()).extracting(SqlStatement.Column::name).containsExactly("a", "b", "c", "d", "e", "f");
    }

    @Test
    void parameterOffsetsPointAtTheColon() {
        String sql = "SELECT a\nFROM t\nWHERE id = :id";
        SqlStatement.Parameter p = SqlStatement.analyze(sql).parameters().getFirst();
        assertThat(sql.substring(p.offset())).isEqualTo(":id");
    }

    @Test
    void columnOffsetsPointAtTheName() {
        String sql = "SELECT lower(email) AS mail, u.age FROM users u";
        List<SqlStatement.Column> columns = SqlStatement.analyze(sql).columns();
        assertThat(sql.substring(columns.get(0).offset())).startsWith("mail");
        assertThat(sql.substring(columns.get(1).offset())).startsWith("age");
    }

    @Test
    void lexerNeverThrowsOnOddInput() {
        for (String sql : new String[] {
            "",
            ":",
            "::",
            "$",
            "$$",
            "'",
            "\"",
            "/*",
            "--",
            "E'",
            "SELECT :",
            "SELECT a::",
            "((((",
            "))))",
            "SELECT (a FROM t",
            "SELECT a) FROM t",
            "\u0000",
            "SELECT 1e+",
            "$a$ $b$"
        }) {
            SqlStatement.analyze(sql);
        }
    }

    @Test
    void parametersAreReplacedOnlyWhereTheyAreParameters() {
        SqlStatement s = SqlStatement.analyze("SELECT ':id' AS a, \":id\" AS b, $$ :id $$ AS c FROM t -- :id\n"
                + "WHERE id = :id AND region = :region /* :region */ OR id = :id");
        assertThat(s.withParameters(i -> "p" + i))
                .isEqualTo("SELECT ':id' AS a, \":id\" AS b, $$ :id $$ AS c FROM t -- :id\n"
                        + "WHERE id = p1 AND region = p2 /* :region */ OR id = p1");
        assertThat(s.withParameters(i -> "$" + i)).isEqualTo(s.positionalSql());
    }
}
