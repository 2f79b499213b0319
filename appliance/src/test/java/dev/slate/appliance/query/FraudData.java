package dev.slate.appliance.query;

import dev.slate.serving.model.ExampleProjects;
import dev.slate.storage.testservers.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The {@code fraud} example's application data in its own schema of the test database, seeded with
 * the example's seed script, plus reads that compute expected values straight from PostgreSQL
 * (independently of Slate).
 */
final class FraudData {
    static final String SCHEMA = "slate_fraud_it";
    static final String SOURCE_URL = TestServers.postgres().url() + "?search_path=" + SCHEMA;

    private static volatile boolean seeded;

    private final DataSource dataSource;

    FraudData(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates and seeds the schema once per JVM (the seed script is idempotent). */
    FraudData seed() throws SQLException {
        if (seeded) {
            return this;
        }
        synchronized (FraudData.class) {
            if (seeded) {
                return this;
            }
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(hashtext('" + SCHEMA + "'))");
                    s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
                    s.execute("SET LOCAL search_path = " + SCHEMA);
                    s.execute(ExampleProjects.fraudSeedSql());
                }
                c.commit();
            }
            seeded = true;
        }
        return this;
    }

    /** One row of {@code users} with its credit limit, as PostgreSQL has it. */
    record User(
            long id,
            String email,
            String name,
            int age,
            LocalDate signupDate,
            String country,
            boolean verified,
            Instant createdAt,
            Double creditLimit) {
        String emailDomain() {
            return email.substring(email.indexOf('@') + 1);
        }
    }

    User user(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT u.id, u.email, u.name, u.age, u.signup_date, u.country, u.is_verified, u.created_at, "
                                + "l.limit_amount FROM " + SCHEMA + ".users u LEFT JOIN " + SCHEMA
                                + ".credit_limits l ON l.country = u.country WHERE u.id = ?")) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalArgumentException("no user " + id + " in " + SCHEMA);
                }
                double limit = r.getDouble(9);
                return new User(
                        r.getLong(1),
                        r.getString(2),
                        r.getString(3),
                        r.getInt(4),
                        r.getObject(5, LocalDate.class),
                        r.getString(6),
                        r.getBoolean(7),
                        r.getObject(8, OffsetDateTime.class).toInstant(),
                        r.wasNull() ? null : limit);
            }
        }
    }

    /** One row of {@code transactions}: amount (as float8) and merchant. */
    Map<String, Object> transaction(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT user_id, amount::float8, merchant, ts FROM " + SCHEMA + ".transactions WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalArgumentException("no transaction " + id + " in " + SCHEMA);
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("user_id", r.getLong(1));
                row.put("amount", r.getDouble(2));
                row.put("merchant", r.getString(3));
                row.put("ts", r.getObject(4, OffsetDateTime.class).toInstant());
                return row;
            }
        }
    }

    /** Runs one statement with bind parameters against the schema (test fixtures only). */
    int update(String sql, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql.replace("{schema}", SCHEMA))) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            return s.executeUpdate();
        }
    }

    long count(String table) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM " + SCHEMA + "." + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    boolean tableExists(String table) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, SCHEMA + "." + table);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getBoolean(1);
            }
        }
    }
}
