package dev.slate.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quoting is a security boundary: every hostile name must come back from a real DuckDB as exactly itself, as
 * one identifier or one literal, and never run as SQL of its own.
 */
class SqlQuotingTest {

    private static EmbeddedDuckDb db;

    @BeforeAll
    static void open() throws SQLException {
        db = EmbeddedDuckDb.open();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static List<String> hostile() {
        return List.of(
                "plain",
                "a\"b",
                "\"",
                "\"\"",
                "'",
                "a'b''c",
                "x\"; DROP TABLE sentinel; --",
                "x'); DROP TABLE sentinel; --",
                "back\\slash\\",
                "\\\"",
                "\\'",
                "semi;colon",
                "new\nline\r\ttab",
                "user.id",
                "user-id",
                "SELECT",
                "  leading and trailing  ",
                "ünïcødé ✓ 日本語 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
                "\u202Eright-to-left override",
                "zero\u200Bwidth",
                "/* comment */",
                "-- comment",
                "$$dollar$$",
                "x".repeat(10_000),
                "\"'".repeat(2_000));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void anIdentifierComesBackAsItselfAndRunsNothing(String name) throws SQLException {
        try (DuckDBConnection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE OR REPLACE TEMP TABLE sentinel (v INTEGER)");
            st.execute("CREATE OR REPLACE TEMP TABLE t (" + SqlQuoting.identifier(name) + " VARCHAR)");
            st.execute("INSERT INTO t VALUES (" + SqlQuoting.literal(name) + ")");
            try (ResultSet rs = st.executeQuery("SELECT " + SqlQuoting.identifier(name) + " FROM t")) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1);
                assertThat(rs.getMetaData().getColumnName(1)).isEqualTo(name);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(name);
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sentinel")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void aLiteralIsOneStringEqualToTheText(String text) throws SQLException {
        try (DuckDBConnection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + SqlQuoting.literal(text) + " AS v, 1 AS after")) {
            assertThat(rs.getMetaData().getColumnCount()).isEqualTo(2);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(text);
            assertThat(rs.getInt(2)).isEqualTo(1);
        }
    }

    @Test
    void aPathLiteralNamesTheFileItWasGiven(@TempDir Path dir) throws SQLException {
        Path file = dir.resolve("it's a \"file\"; DROP TABLE x; --\\ü.parquet");
        try (DuckDBConnection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute("COPY (SELECT 42 AS v) TO " + SqlQuoting.literal(file) + " (FORMAT PARQUET)");
            assertThat(file).exists();
            try (ResultSet rs = st.executeQuery("SELECT v FROM read_parquet(" + SqlQuoting.literal(file) + ")")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void theEmptyNameIsRefused() {
        assertThatThrownBy(() -> SqlQuoting.identifier(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> SqlQuoting.identifier(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlQuoting.literal((String) null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SqlQuoting.literal("")).isEqualTo("''");
    }

    @Test
    void aNulCharacterIsRefused() {
        assertThatThrownBy(() -> SqlQuoting.identifier("a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> SqlQuoting.literal("a\0' OR 1=1 --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
    }

    @Test
    void anUnpairedSurrogateIsRefused() {
        assertThatThrownBy(() -> SqlQuoting.identifier("a\uD800b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> SqlQuoting.literal("\uDC00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> SqlQuoting.identifier("end\uD83D")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theQuotedFormIsExactlyTheDoubledText() {
        assertThat(SqlQuoting.identifier("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(SqlQuoting.literal("a'b")).isEqualTo("'a''b'");
        assertThat(SqlQuoting.identifier("it's")).isEqualTo("\"it's\"");
        assertThat(SqlQuoting.literal("say \"hi\"")).isEqualTo("'say \"hi\"'");
    }
}
