package dev.slate.serving.model.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Why resolver SQL is read by Slate's own lexer and not by a kept parser (docs/adr/0008-resolver-sql-lexer.md).
 *
 * <p>Each case is a statement PostgreSQL or DuckDB runs and Slate must accept at deployment. The first group shows
 * JSqlParser 5.3 refusing it, so using it would refuse a working resolver; the last test shows that its printed form
 * is not the user's statement, so it cannot replace {@code :name} parameters alone. When JSqlParser learns these
 * forms, these tests fail and the decision in the ADR should be looked at again.
 */
class SqlParserAlternativeTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                // DuckDB struct literal and named function arguments (parquet sources run on DuckDB)
                "SELECT id, {'plan': plan, 'seats': seats} AS account FROM read_parquet('accounts/*.parquet') WHERE id = :id",
                "SELECT id, struct_pack(plan := plan, seats := seats) AS account FROM accounts WHERE id = :id",
                // PostgreSQL block comments nest
                "SELECT id, age FROM users /* old: /* WHERE age > 18 */ kept for reference */ WHERE id = :id",
            })
    void statementsJSqlParserRefusesAreReadBySlate(String sql) {
        assertThatThrownBy(() -> CCJSqlParserUtil.parse(sql)).isInstanceOf(JSQLParserException.class);

        SqlStatement read = SqlStatement.analyze(sql);
        assertThat(read.issues()).isEmpty();
        assertThat(read.parameters()).extracting(SqlStatement.Parameter::name).containsExactly("id");
        assertThat(read.columns())
                .extracting(SqlStatement.Column::name)
                .hasSize(2)
                .startsWith("id");
    }

    @Test
    void jSqlParserPrintsAnotherStatementThanTheUserWrote() throws JSQLParserException {
        String sql = "select id,\n       lower(email)   as email -- trimmed later\n  from users where id = :id";

        Statement parsed = CCJSqlParserUtil.parse(sql);
        assertThat(parsed.toString()).isNotEqualTo(sql).doesNotContain("-- trimmed later");

        // Slate replaces the parameter and nothing else: the statement that runs is the one the user wrote and tested
        SqlStatement read = SqlStatement.analyze(sql);
        assertThat(read.positionalSql())
                .isEqualTo("select id,\n       lower(email)   as email -- trimmed later\n  from users where id = $1");
        assertThat(read.columns()).extracting(SqlStatement.Column::name).isEqualTo(List.of("id", "email"));
    }
}
