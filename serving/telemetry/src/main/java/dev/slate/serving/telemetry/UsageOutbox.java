package dev.slate.serving.telemetry;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The usage-record outbox in PostgreSQL (table {@code usage_outbox}, migration V14_11; docs/specs/usage-records.md).
 * Blocking JDBC with bind parameters only: call from worker threads, never from the response path.
 */
public final class UsageOutbox {

    private static final String INSERT =
            "insert into usage_outbox (record_id, environment, query_name, metric, quantity, period_start, period_end,"
                    + " node) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (record_id) do nothing";
    /** The columns {@link #record(ResultSet)} reads, in its order. */
    static final String COLUMNS =
            "id, record_id, environment, query_name, metric, quantity, period_start, period_end, node";

    private final DataSource dataSource;

    public UsageOutbox(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    /** A record in the outbox and its row id (the shipping order). */
    public record Row(long id, UsageRecord record) {}

    /**
     * Writes the records in one transaction of their own.
     *
     * @return how many were new (a record whose id is already there is skipped: writing twice never bills twice)
     */
    public int append(Collection<UsageRecord> records) {
        if (records.isEmpty()) {
            return 0;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                int n = append(c, records);
                c.commit();
                return n;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new UsageOutboxException("cannot write " + records.size() + " usage records to the outbox", e);
        }
    }

    /**
     * Writes the records on the caller's connection, inside the caller's transaction: the records commit or roll
     * back with the work they meter.
     */
    public static int append(Connection c, Collection<UsageRecord> records) throws SQLException {
        int inserted = 0;
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (UsageRecord r : records) {
                s.setObject(1, r.recordId());
                s.setString(2, r.environment());
                s.setString(3, r.queryName().orElse(null));
                s.setString(4, r.metric().wireName());
                s.setLong(5, r.quantity());
                s.setTimestamp(6, Timestamp.from(r.periodStart()));
                s.setTimestamp(7, Timestamp.from(r.periodEnd()));
                s.setString(8, r.node());
                s.addBatch();
            }
            for (int n : s.executeBatch()) {
                inserted += Math.max(0, n);
            }
        }
        return inserted;
    }

    /** Up to {@code limit} records not yet shipped, oldest first. */
    public List<Row> unshipped(int limit) {
        return query(
                "select " + COLUMNS + " from usage_outbox where shipped_at is null order by id limit ?",
                s -> s.setInt(1, limit));
    }

    /**
     * Records of periods that started in [{@code from}, {@code until}), shipped or not, in id order after {@code
     * afterId}: the pages of an export.
     */
    public List<Row> between(Instant from, Instant until, long afterId, int limit) {
        return query(
                "select " + COLUMNS
                        + " from usage_outbox where period_start >= ? and period_start < ? and id > ? order by id limit ?",
                s -> {
                    s.setTimestamp(1, Timestamp.from(from));
                    s.setTimestamp(2, Timestamp.from(until));
                    s.setLong(3, afterId);
                    s.setInt(4, limit);
                });
    }

    /** Marks rows as delivered to Kafka. */
    public void markShipped(Collection<Long> ids, Instant at) {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "update usage_outbox set shipped_at = ? where id = any (?) and shipped_at is null")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new UsageOutboxException("cannot mark " + ids.size() + " usage records as shipped", e);
        }
    }

    /** Records not yet shipped. */
    public long backlog() {
        return count("select count(*) from usage_outbox where shipped_at is null");
    }

    /**
     * Deletes records whose period started before {@code before}: shipped ones only, or every one when {@code
     * includeUnshipped} (no Kafka export: the outbox is then read by file exports only).
     *
     * @return how many were deleted
     */
    public int purge(Instant before, boolean includeUnshipped) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "delete from usage_outbox where period_start < ? and (shipped_at is not null or ?)")) {
            s.setTimestamp(1, Timestamp.from(before));
            s.setBoolean(2, includeUnshipped);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new UsageOutboxException("cannot purge the usage outbox", e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private List<Row> query(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), record(rs)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new UsageOutboxException("cannot read the usage outbox", e);
        }
    }

    /** The record of the current row of a result whose first columns are {@link #COLUMNS}. */
    static UsageRecord record(ResultSet rs) throws SQLException {
        return new UsageRecord(
                rs.getObject(2, UUID.class),
                rs.getString(3),
                Optional.ofNullable(rs.getString(4)),
                UsageMetric.ofWireName(rs.getString(5)),
                rs.getLong(6),
                rs.getTimestamp(7).toInstant(),
                rs.getTimestamp(8).toInstant(),
                rs.getString(9));
    }

    private long count(String sql) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new UsageOutboxException("cannot read the usage outbox", e);
        }
    }
}
