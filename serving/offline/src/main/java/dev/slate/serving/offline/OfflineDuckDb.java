package dev.slate.serving.offline;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import org.duckdb.DuckDBConnection;

/**
 * The offline query service's own in-memory DuckDB, used as a Parquet reader and writer for spine and
 * result files (never for the point-in-time join itself, which is the offline store's). No extension is
 * installed or loaded; each call takes its own connection.
 */
final class OfflineDuckDb implements AutoCloseable {

    private final EmbeddedDuckDb duckDb;

    OfflineDuckDb(Path tempParent) {
        try {
            duckDb = EmbeddedDuckDb.open(tempParent, "duckdb-", Map.of("memory_limit", "2GB"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start DuckDB: " + e.getMessage(), e);
        }
    }

    DuckDBConnection connect() throws SQLException {
        return duckDb.connect();
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip();
        int nl = line.indexOf('\n');
        line = nl < 0 ? line : line.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }

    @Override
    public void close() {
        duckDb.close();
    }
}
