package dev.slate.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDuckDbTest {

    @TempDir
    Path dir;

    @Test
    void everyConnectionRunsInUtcWithoutExtensionLoading() throws SQLException {
        try (EmbeddedDuckDb db = EmbeddedDuckDb.open(dir, "t-", Map.of("threads", "1"));
                DuckDBConnection c = db.connect();
                DuckDBConnection d = EmbeddedDuckDb.duplicate(c)) {
            for (DuckDBConnection conn : new DuckDBConnection[] {db.root(), c, d}) {
                assertThat(setting(conn, "TimeZone")).isEqualTo("UTC");
                assertThat(setting(conn, "autoload_known_extensions")).isEqualTo("false");
                assertThat(setting(conn, "autoinstall_known_extensions")).isEqualTo("false");
                assertThat(setting(conn, "threads")).isEqualTo("1");
            }
        }
    }

    @Test
    void theTempDirectoryIsItsOwnAndGoesOnClose() throws Exception {
        Path temp;
        try (EmbeddedDuckDb db = EmbeddedDuckDb.open(dir.resolve("parent"), "t-", Map.of())) {
            temp = db.tempDirectory();
            assertThat(temp.getParent()).isEqualTo(dir.resolve("parent"));
            assertThat(setting(db.root(), "temp_directory")).isEqualTo(temp.toString());
            Files.writeString(temp.resolve("spill"), "x");
        }
        assertThat(temp).doesNotExist();
        assertThat(dir.resolve("parent")).exists();
    }

    @Test
    void deleteTreeRemovesLinksButNotWhatTheyPointTo() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "keep");
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("f"), "x");
        Files.createSymbolicLink(dir.resolve("tree/a/link"), outside);
        Files.createSymbolicLink(dir.resolve("tree/dirlink"), dir);
        assertThat(Directories.deleteTree(dir.resolve("tree"))).isTrue();
        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(outside).hasContent("keep");
        assertThat(Directories.deleteTree(dir.resolve("never-was"))).isTrue();
    }

    private static String setting(DuckDBConnection c, String name) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting(" + SqlQuoting.literal(name) + ")")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
