package dev.slate.storage.offline;

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
 * One in-process, in-memory DuckDB database for one store: it holds no data of its own (only temporary
 * tables of running calls) and reads and writes Parquet files. Extensions are never installed or loaded
 * (air-gapped: only what is linked into the driver is used). Each call takes its own connection.
 */
final class DuckDb implements AutoCloseable {

    private final DuckDBConnection root;
    private final Path tempDirectory;

    DuckDb() {
        this(0);
    }

    /** @param threads DuckDB worker threads; 0 for DuckDB's default (one per core) */
    DuckDb(int threads) {
        try {
            // after a Quarkus restart in a new class loader, DriverManager may not find the driver on its own
            Class.forName(DuckDBDriver.class.getName());
            tempDirectory = Files.createTempDirectory("slate-duckdb-");
            Properties properties = new Properties();
            properties.setProperty("autoinstall_known_extensions", "false");
            properties.setProperty("autoload_known_extensions", "false");
            properties.setProperty("temp_directory", tempDirectory.toString());
            if (threads > 0) {
                properties.setProperty("threads", Integer.toString(threads));
            }
            root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
            try (Statement st = root.createStatement()) {
                st.execute("SET TimeZone = 'UTC'");
            }
        } catch (SQLException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot start DuckDB: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a DuckDB temp directory", e);
        }
    }

    /** A new connection to the shared database; the caller closes it. Temporary tables are per connection. */
    DuckDBConnection connect() throws SQLException {
        DuckDBConnection c = (DuckDBConnection) root.duplicate();
        try (Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
        }
        return c;
    }

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException e) {
            // closing an in-memory database loses nothing
        }
        try (Stream<Path> files = Files.walk(tempDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover empty temp directory is harmless
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
