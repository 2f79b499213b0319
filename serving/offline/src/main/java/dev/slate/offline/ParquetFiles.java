package dev.slate.offline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * The offline query service's own in-memory DuckDB, used as a Parquet reader and writer for spine and
 * result files (never for the point-in-time join itself, which is the offline store's). No extension is
 * installed or loaded; each call takes its own connection.
 */
final class ParquetFiles implements AutoCloseable {

    private final DuckDBConnection root;
    private final Path tempDirectory;

    ParquetFiles(Path tempParent) {
        try {
            // after a Quarkus restart in a new class loader, DriverManager may not find the driver on its own
            Class.forName(DuckDBDriver.class.getName());
            Files.createDirectories(tempParent);
            tempDirectory = Files.createTempDirectory(tempParent, "duckdb-");
            Properties properties = new Properties();
            properties.setProperty("autoinstall_known_extensions", "false");
            properties.setProperty("autoload_known_extensions", "false");
            properties.setProperty("temp_directory", tempDirectory.toString());
            properties.setProperty("memory_limit", "2GB");
            root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        } catch (SQLException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot start DuckDB: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a DuckDB temp directory under " + tempParent, e);
        }
    }

    DuckDBConnection connect() throws SQLException {
        DuckDBConnection c = (DuckDBConnection) root.duplicate();
        execute(c, "SET TimeZone = 'UTC'");
        return c;
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A path as an SQL string literal (for COPY … TO, which takes no parameter for its target). */
    static String literal(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
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
        try {
            root.close();
        } catch (SQLException e) {
            // an in-memory database holds nothing to lose
        }
        try (Stream<Path> files = Files.walk(tempDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
