package dev.slate.control.audit;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The audit log ({@code audit_log}, append-only: a trigger refuses updates and deletes). {@link #record}
 * only enqueues, so a request never waits for the database; one writer thread inserts the queue in
 * batches. When the database is unreachable the writer keeps its batch and retries with backoff; when
 * the queue is full, new entries are dropped and counted (and the count is logged), never blocking
 * the caller.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    private static final String INSERT =
            "insert into audit_log (at, subject, action, method, path, environment, outcome, status,"
                    + " remote_address, request_id, query_id, target, detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final AuditConfig config;
    private final BlockingQueue<AuditEntry> queue;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong settled = new AtomicLong(); // written, or given up on at shutdown
    private final AtomicLong dropped = new AtomicLong();
    private final Object progress = new Object();
    private volatile Thread writer;
    private volatile boolean stopping;

    AuditLog(DataSource dataSource, AuditConfig config) {
        this.dataSource = dataSource;
        this.config = config;
        this.queue = new LinkedBlockingQueue<>(config.queueCapacity());
    }

    /** Enqueues an entry; never blocks. */
    public void record(AuditEntry entry) {
        if (stopping) {
            return;
        }
        ensureWriter();
        if (queue.offer(entry)) {
            enqueued.incrementAndGet();
        } else {
            long n = dropped.incrementAndGet();
            if (Long.bitCount(n) == 1) { // 1, 2, 4, 8, ...: say so, without flooding the log
                LOG.errorf("audit queue full (%d entries): %d audit entries dropped so far", config.queueCapacity(), n);
            }
        }
    }

    /** Entries dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Waits until everything recorded before this call is written (or the timeout passes); true when it is. */
    public boolean flush(Duration timeout) {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (settled.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Entries matching the query, newest first (blocking JDBC). */
    public List<AuditEntry> find(AuditQuery query) {
        String sql =
                "select id, at, subject, action, method, path, environment, outcome, status, remote_address, request_id, query_id,"
                        + " target, detail from audit_log"
                        + " where (?::timestamptz is null or at >= ?) and (?::text is null or subject = ?) and (?::text is null or action = ?)"
                        + " and (?::text is null or outcome = ?)"
                        + " order by id desc limit ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            Timestamp since = query.since().map(Timestamp::from).orElse(null);
            s.setTimestamp(1, since);
            s.setTimestamp(2, since);
            s.setString(3, query.subject().orElse(null));
            s.setString(4, query.subject().orElse(null));
            s.setString(5, query.action().orElse(null));
            s.setString(6, query.action().orElse(null));
            String outcome = query.outcome().map(Enum::name).orElse(null);
            s.setString(7, outcome);
            s.setString(8, outcome);
            s.setInt(9, query.limit());
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEntry(
                            rs.getLong(1),
                            rs.getTimestamp(2).toInstant(),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            Optional.ofNullable(rs.getString(7)),
                            AuditEntry.Outcome.valueOf(rs.getString(8)),
                            rs.getInt(9),
                            Optional.ofNullable(rs.getString(10)),
                            Optional.ofNullable(rs.getString(11)),
                            Optional.ofNullable(rs.getString(12)),
                            Optional.ofNullable(rs.getString(13)),
                            Optional.ofNullable(rs.getString(14))));
                }
            }
            return out;
        } catch (SQLException e) {
            LOG.errorf(e, "cannot read the audit log");
            throw new SlateException(
                    ErrorCode.INTERNAL_SERVER_ERROR, "cannot read the audit log; see the server log", e);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        Thread w = writer;
        if (w != null) {
            w.interrupt();
            try {
                w.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ensureWriter() {
        if (writer == null) {
            synchronized (this) {
                if (writer == null) {
                    writer = Thread.ofPlatform()
                            .daemon()
                            .name("slate-audit-writer")
                            .start(this::writeLoop);
                }
            }
        }
    }

    private void writeLoop() {
        List<AuditEntry> batch = new ArrayList<>(config.batchSize());
        long backoffMillis = 100;
        while (true) {
            try {
                if (batch.isEmpty()) {
                    AuditEntry first = queue.poll(config.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (stopping) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, config.batchSize() - 1);
                }
                write(batch);
                settle(batch.size());
                batch.clear();
                backoffMillis = 100;
            } catch (InterruptedException e) {
                if (!stopping) {
                    continue;
                }
                drainOnStop(batch);
                return;
            } catch (SQLException e) {
                if (!isConnectionProblem(e)) {
                    writeOneByOne(batch); // a row the database refuses must not block the others
                    settle(batch.size());
                    batch.clear();
                    continue;
                }
                if (stopping) {
                    LOG.errorf(
                            "audit log: %d entries not written at shutdown: %s",
                            batch.size() + queue.size(), e.getMessage());
                    settle(batch.size() + queue.size());
                    return;
                }
                LOG.warnf(
                        "audit log: cannot write %d entries (retrying in %d ms): %s",
                        batch.size(), backoffMillis, e.getMessage());
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    // stopping: the next round writes or gives up
                }
                backoffMillis = Math.min(backoffMillis * 2, 10_000);
            } catch (RuntimeException e) {
                if (stopping) {
                    LOG.errorf(
                            "audit log: %d entries not written at shutdown: %s",
                            batch.size() + queue.size(), e.getMessage());
                    settle(batch.size() + queue.size());
                    return;
                }
                LOG.warnf(
                        "audit log: cannot write %d entries (retrying in %d ms): %s",
                        batch.size(), backoffMillis, e.getMessage());
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    // stopping: the next round writes or gives up
                }
                backoffMillis = Math.min(backoffMillis * 2, 10_000);
            }
        }
    }

    /** SQLSTATE class 08 (connection exception), or no state at all (the pool could not connect). */
    private static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57");
    }

    private void writeOneByOne(List<AuditEntry> batch) {
        for (AuditEntry entry : batch) {
            try {
                write(List.of(entry));
            } catch (SQLException | RuntimeException e) {
                dropped.incrementAndGet();
                LOG.errorf(
                        "audit log: entry refused by the database and dropped (action %s, subject %s): %s",
                        entry.action(), entry.subject(), e.getMessage());
            }
        }
    }

    private void drainOnStop(List<AuditEntry> batch) {
        queue.drainTo(batch);
        if (batch.isEmpty()) {
            return;
        }
        try {
            write(batch);
        } catch (SQLException | RuntimeException e) {
            LOG.errorf("audit log: %d entries not written at shutdown: %s", batch.size(), e.getMessage());
        }
        settle(batch.size());
    }

    private void settle(int n) {
        settled.addAndGet(n);
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private void write(List<AuditEntry> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(INSERT)) {
                for (AuditEntry e : batch) {
                    s.setTimestamp(1, Timestamp.from(e.at()));
                    s.setString(2, e.subject());
                    s.setString(3, e.action());
                    s.setString(4, e.method());
                    s.setString(5, e.path());
                    setOptional(s, 6, e.environment());
                    s.setString(7, e.outcome().name());
                    s.setInt(8, e.status());
                    setOptional(s, 9, e.remoteAddress());
                    setOptional(s, 10, e.requestId());
                    setOptional(s, 11, e.queryId());
                    setOptional(s, 12, e.target());
                    setOptional(s, 13, e.detail());
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    private static void setOptional(PreparedStatement s, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            s.setString(index, value.get());
        } else {
            s.setNull(index, Types.VARCHAR);
        }
    }
}
