package dev.slate.engine.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * An in-process, in-memory DuckDB of the data plane: no extension is ever installed or loaded (air-gapped),
 * spills go to a temporary directory of its own that {@link #close()} removes, and the session time zone is
 * UTC. Used by the Parquet resolver runner, the Parquet ingest reader and the offline query service.
 */
public final class EmbeddedDuckDb implements AutoCloseable {

    private final DuckDBConnection root;
    private final Path tempDirectory;

    private EmbeddedDuckDb(DuckDBConnection root, Path tempDirectory) {
        this.root = root;
        this.tempDirectory = tempDirectory;
    }

    /**
     * Opens a database whose temporary directory is created under {@code tempParent} (the system's when null).
     *
     * @param settings further DuckDB settings given at start-up, e.g. {@code memory_limit} or {@code threads}
     */
    public static EmbeddedDuckDb open(Path tempParent, String tempPrefix, Map<String, String> settings) throws SQLException {
        Path temp;
        try {
            // after a Quarkus restart in a new class loader, DriverManager may not find the driver on its own
            Class.forName(DuckDBDriver.class.getName());
            if (tempParent == null) {
                temp = Files.createTempDirectory(tempPrefix);
            } else {
                Files.createDirectories(tempParent);
                temp = Files.createTempDirectory(tempParent, tempPrefix);
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the DuckDB driver is not on the class path", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a DuckDB temp directory", e);
        }
        Properties properties = new Properties();
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        properties.setProperty("temp_directory", temp.toString());
        settings.forEach(properties::setProperty);
        DuckDBConnection c;
        try {
            c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        } catch (SQLException e) {
            deleteTree(temp);
            throw e;
        }
        EmbeddedDuckDb db = new EmbeddedDuckDb(c, temp);
        try (Statement st = c.createStatement()) {
            st.execute("SET GLOBAL TimeZone = 'UTC'");
        } catch (SQLException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** The database's first connection (for settings that apply to the whole database). */
    public DuckDBConnection root() {
        return root;
    }

    /** A new connection to the same database; the caller closes it. */
    public DuckDBConnection connect() throws SQLException {
        return (DuckDBConnection) root.duplicate();
    }

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException e) {
            // an in-memory database holds nothing to lose
        }
        deleteTree(tempDirectory);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
