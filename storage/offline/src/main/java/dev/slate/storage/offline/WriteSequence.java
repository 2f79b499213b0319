package dev.slate.storage.offline;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The append order of the feature log, shared by every store (process) that writes one table: ranges of a
 * counter kept in a row of {@code slate_offline_write_sequence} in the catalog database. A range reserved
 * later has greater numbers, so {@code write_seq} orders appends across processes and breaks ties on
 * {@code observed_at} deterministically.
 */
final class WriteSequence implements AutoCloseable {

    static final String TABLE = "slate_offline_write_sequence";

    private final String url;
    private final Properties properties;
    private final String sequenceName;
    private Connection connection;

    WriteSequence(String url, Properties properties, String sequenceName) {
        this.url = url;
        this.properties = properties;
        this.sequenceName = sequenceName;
        try {
            Connection c = connection();
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                        + " (sequence_name VARCHAR(1000) PRIMARY KEY, next_value BIGINT NOT NULL)");
            } catch (SQLException e) {
                // two processes creating the table at once: the loser sees a unique violation; the table exists
                if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                    throw e;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                    + " (sequence_name, next_value) VALUES (?, 1) ON CONFLICT (sequence_name) DO NOTHING")) {
                ps.setString(1, sequenceName);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            close();
            throw new OfflineStoreException("cannot prepare the write sequence in the catalog database", e);
        }
    }

    /** Reserves {@code count} consecutive numbers; returns the first. */
    synchronized long reserve(int count) {
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = connection()
                    .prepareStatement("UPDATE " + TABLE
                            + " SET next_value = next_value + ? WHERE sequence_name = ? RETURNING next_value - ?")) {
                ps.setLong(1, count);
                ps.setString(2, sequenceName);
                ps.setLong(3, count);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new OfflineStoreException(
                                "write sequence " + sequenceName + " is missing from " + TABLE, null);
                    }
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                closeConnection();
                if (attempt == 2) {
                    throw new OfflineStoreException("cannot reserve write sequence numbers", e);
                }
            }
        }
    }

    /** Removes this sequence's row (for tests that drop their catalog). */
    synchronized void drop() {
        try (PreparedStatement ps =
                connection().prepareStatement("DELETE FROM " + TABLE + " WHERE sequence_name = ?")) {
            ps.setString(1, sequenceName);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new OfflineStoreException("cannot drop the write sequence", e);
        }
    }

    /** Checks that the catalog database answers. */
    synchronized void ping() {
        try (Statement st = connection().createStatement()) {
            st.execute("SELECT 1");
        } catch (SQLException e) {
            closeConnection();
            throw new OfflineStoreException("the catalog database does not answer", e);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, properties);
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // a broken connection is replaced on the next call
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        closeConnection();
    }
}
