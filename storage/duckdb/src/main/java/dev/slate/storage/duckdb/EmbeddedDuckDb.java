package dev.slate.storage.duckdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * An in-process, in-memory DuckDB: the one way Slate opens DuckDB. No extension is ever installed or loaded
 * (air-gapped: only what is linked into the driver is used), spills go to a temporary directory of its own
 * that {@link #close()} removes, and every connection's session time zone is UTC. It holds no data of its
 * own beyond the tables its callers create; each call takes its own connection from {@link #connect()}.
 */
public final class EmbeddedDuckDb implements AutoCloseable {

    private final DuckDBConnection root;
    private final Path tempDirectory;

    private EmbeddedDuckDb(DuckDBConnection root, Path tempDirectory) {
        this.root = root;
        this.tempDirectory = tempDirectory;
    }

    /** Opens a database with DuckDB's default settings and a temporary directory under the system's. */
    public static EmbeddedDuckDb open() throws SQLException {
        return open(null, "slate-duckdb-", Map.of());
    }

    /**
     * Opens a database whose temporary directory is created under {@code tempParent} (the system's when null).
     *
     * @param settings further DuckDB settings given at start-up, e.g. {@code memory_limit} or {@code threads}
     */
    public static EmbeddedDuckDb open(Path tempParent, String tempPrefix, Map<String, String> settings)
            throws SQLException {
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
            Directories.deleteTree(temp);
            throw e;
        }
        EmbeddedDuckDb db = new EmbeddedDuckDb(c, temp);
        try {
            execute(c, "SET GLOBAL TimeZone = 'UTC'");
            execute(c, "SET TimeZone = 'UTC'");
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

    /** The temporary directory this database spills to; removed by {@link #close()}. */
    public Path tempDirectory() {
        return tempDirectory;
    }

    /**
     * A new connection to the same database; the caller closes it. Temporary tables are per connection. Its
     * session time zone is UTC: new connections take the database's global setting made at {@link #open}.
     */
    public DuckDBConnection connect() throws SQLException {
        return (DuckDBConnection) root.duplicate();
    }

    /** Another connection to the database {@code c} belongs to (session time zone UTC, as for {@link #connect()}); the caller closes it. */
    public static DuckDBConnection duplicate(DuckDBConnection c) throws SQLException {
        return (DuckDBConnection) c.duplicate();
    }

    /** Runs one statement that returns nothing (DDL, COPY, SET). */
    public static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException e) {
            // an in-memory database holds nothing to lose
        }
        Directories.deleteTree(tempDirectory);
    }
}
