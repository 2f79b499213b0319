package dev.slate.appliance.demo;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/**
 * The example's application database on the metadata PostgreSQL server: created when missing and
 * seeded once per seed script (its SHA-256 is recorded in {@code slate_demo_seed}, so a second start
 * skips it and a changed script is applied once more; the script itself is idempotent).
 */
final class DemoDatabase {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Where the metadata database lives and who logs in. */
    record Server(String host, int port, String maintenanceDatabase, String user, Optional<String> password) {
        Server {
            requireNonNull(host, "host is null");
            requireNonNull(maintenanceDatabase, "maintenanceDatabase is null");
            requireNonNull(user, "user is null");
            requireNonNull(password, "password is null");
        }

        String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
    }

    /** What {@link #seed} did. */
    enum Outcome {
        SEEDED,
        ALREADY_SEEDED
    }

    private final Server server;
    private final String database;

    DemoDatabase(Server server, String database) {
        this.server = requireNonNull(server, "server is null");
        if (!NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        this.database = database;
    }

    /** Creates the database unless it exists; returns true when it was created. */
    boolean createIfMissing() throws SQLException {
        try (Connection connection = connect(server.maintenanceDatabase())) {
            connection.setAutoCommit(true);
            try (PreparedStatement exists =
                    connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                try (ResultSet row = exists.executeQuery()) {
                    if (row.next()) {
                        return false;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + database); // the name is checked against NAME above
            }
            return true;
        }
    }

    /** Runs the seed script in one transaction unless this exact script was applied before. */
    Outcome seed(String script) throws SQLException {
        String hash = sha256(script);
        try (Connection connection = connect(database)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS slate_demo_seed ("
                        + "seed_sha256 text PRIMARY KEY, seeded_at timestamptz NOT NULL DEFAULT now())");
                // one seeding at a time, also across replicas starting together
                statement.execute("LOCK TABLE slate_demo_seed IN EXCLUSIVE MODE");
            }
            if (applied(connection, hash)) {
                connection.commit();
                return Outcome.ALREADY_SEEDED;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(script);
            }
            try (PreparedStatement mark =
                    connection.prepareStatement("INSERT INTO slate_demo_seed (seed_sha256) VALUES (?)")) {
                mark.setString(1, hash);
                mark.executeUpdate();
            }
            connection.commit();
            return Outcome.SEEDED;
        }
    }

    /** One row of the example's {@code transactions} table, its amount as the project's resolvers read it (float8). */
    record Transaction(long id, long userId, double amount, String merchant, Instant ts) {
        Transaction {
            requireNonNull(merchant, "merchant is null");
            requireNonNull(ts, "ts is null");
        }
    }

    /** Every row of the seeded {@code transactions} table, by id. */
    List<Transaction> transactions() throws SQLException {
        List<Transaction> rows = new ArrayList<>();
        try (Connection connection = connect(database);
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false); // lets the driver fetch in chunks instead of the whole table at once
            statement.setFetchSize(5_000);
            try (ResultSet r = statement.executeQuery(
                    "SELECT id, user_id, amount::float8, merchant, ts FROM transactions ORDER BY id")) {
                while (r.next()) {
                    rows.add(new Transaction(
                            r.getLong(1),
                            r.getLong(2),
                            r.getDouble(3),
                            r.getString(4),
                            r.getObject(5, OffsetDateTime.class).toInstant()));
                }
            }
            connection.commit();
        }
        return rows;
    }

    private static boolean applied(Connection connection, String hash) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT 1 FROM slate_demo_seed WHERE seed_sha256 = ?")) {
            query.setString(1, hash);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }

    private Connection connect(String databaseName) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", server.user());
        server.password().ifPresent(p -> login.setProperty("password", p));
        login.setProperty("ApplicationName", "slate-demo");
        Connection connection = new Driver().connect(server.jdbcUrl(databaseName), login);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver does not accept " + server.jdbcUrl(databaseName));
        }
        return connection;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
