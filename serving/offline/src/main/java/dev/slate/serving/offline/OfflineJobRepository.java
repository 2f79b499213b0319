package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Job records in table {@code offline_query_jobs} of the metadata database (migrations
 * {@code V10__offline_query_jobs.sql}, {@code V12__offline_query_feature_errors.sql}), over plain JDBC: every call is blocking work of a job thread or a
 * worker thread. Status changes are conditional updates ({@code … WHERE status = …}), so a cancellation and
 * a finishing worker cannot both win.
 */
public final class OfflineJobRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS =
            "id, environment, dataset_name, status, plan::text, spine_rows, stage, fraction, result_rows, result_bytes,"
                    + " error, notes::text, attempts, runner, created_at, started_at, finished_at, feature_errors::text";

    private final DataSource dataSource;
    private final JobSuccessHook onSuccess;

    public OfflineJobRepository(DataSource dataSource) {
        this(dataSource, JobSuccessHook.NONE);
    }

    /** @param onSuccess runs in the transaction that marks a job SUCCEEDED */
    public OfflineJobRepository(DataSource dataSource, JobSuccessHook onSuccess) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.onSuccess = requireNonNull(onSuccess, "onSuccess is null");
    }

    void insert(OfflineJob job) {
        update(
                "INSERT INTO offline_query_jobs (id, environment, dataset_name, status, deployment_id, plan, spine_rows, stage, fraction, notes, attempts,"
                        + " runner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)",
                job.id(),
                job.environment(),
                job.datasetName().orElse(null),
                job.status().name(),
                job.plan().deploymentId(),
                json(job.plan()),
                job.progress().spineRows(),
                job.progress().stage(),
                job.progress().fraction(),
                json(job.notes()),
                job.attempts(),
                job.runner(),
                ts(job.createdAt()),
                ts(job.createdAt()));
    }

    public Optional<OfflineJob> find(String id) {
        List<OfflineJob> jobs = query("SELECT " + COLUMNS + " FROM offline_query_jobs WHERE id = ?", id);
        return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
    }

    /** The QUEUED and RUNNING jobs of one runner, oldest first. */
    List<OfflineJob> active(String runner) {
        return query(
                "SELECT " + COLUMNS
                        + " FROM offline_query_jobs WHERE runner = ? AND status IN ('QUEUED', 'RUNNING') ORDER BY created_at, id",
                runner);
    }

    /** The ids of this runner's jobs that finished (SUCCEEDED, FAILED, CANCELLED) before {@code before}. */
    List<String> finishedBefore(String runner, Instant before) {
        return query(
                        "SELECT " + COLUMNS
                                + " FROM offline_query_jobs WHERE runner = ? AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')"
                                + " AND finished_at < ? ORDER BY finished_at, id",
                        runner,
                        ts(before))
                .stream()
                .map(OfflineJob::id)
                .toList();
    }

    /** Removes a finished job's record; false when it is not (or no longer) finished. */
    boolean deleteFinished(String id) {
        return update(
                        "DELETE FROM offline_query_jobs WHERE id = ? AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')",
                        id)
                == 1;
    }

    /** QUEUED → RUNNING; false when the job is no longer QUEUED (cancelled meanwhile). */
    boolean markRunning(String id, Instant at) {
        return update(
                        "UPDATE offline_query_jobs SET status = 'RUNNING', started_at = ?, attempts = attempts + 1, stage = 'reading_spine',"
                                + " updated_at = ? WHERE id = ? AND status = 'QUEUED'",
                        ts(at),
                        ts(at),
                        id)
                == 1;
    }

    void saveProgress(String id, JobProgress progress, Instant at) {
        update(
                "UPDATE offline_query_jobs SET stage = ?, fraction = ?, updated_at = ? WHERE id = ? AND status = 'RUNNING'",
                progress.stage(),
                progress.fraction(),
                ts(at),
                id);
    }

    /**
     * RUNNING → SUCCEEDED, with the summary of failed recomputed values (null: none); false when the job is
     * no longer RUNNING (cancelled meanwhile).
     */
    boolean markSucceeded(String id, long rows, long bytes, FeatureErrors featureErrors, Instant at) {
        String sql =
                "UPDATE offline_query_jobs SET status = 'SUCCEEDED', result_rows = ?, result_bytes = ?, stage = 'done', fraction = 1,"
                        + " feature_errors = ?::jsonb, finished_at = ?, updated_at = ? WHERE id = ? AND status = 'RUNNING' RETURNING environment";
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, rows, bytes, featureErrors == null ? null : json(featureErrors), ts(at), ts(at), id);
                String environment = null;
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        environment = rs.getString(1);
                    }
                }
                if (environment == null) {
                    c.rollback();
                    return false;
                }
                onSuccess.succeeded(c, id, environment, rows, at);
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write offline query jobs: " + e.getMessage(), e);
        }
    }

    /** QUEUED or RUNNING → FAILED with a reason; false when the job had already finished. */
    boolean markFailed(String id, String reason, Instant at) {
        return update(
                        "UPDATE offline_query_jobs SET status = 'FAILED', error = ?, finished_at = ?, updated_at = ? WHERE id = ?"
                                + " AND status IN ('QUEUED', 'RUNNING')",
                        reason,
                        ts(at),
                        ts(at),
                        id)
                == 1;
    }

    /** QUEUED or RUNNING → CANCELLED; false when the job had already finished. */
    boolean markCancelled(String id, String reason, Instant at) {
        return update(
                        "UPDATE offline_query_jobs SET status = 'CANCELLED', error = ?, finished_at = ?, updated_at = ? WHERE id = ?"
                                + " AND status IN ('QUEUED', 'RUNNING')",
                        reason,
                        ts(at),
                        ts(at),
                        id)
                == 1;
    }

    /** QUEUED or RUNNING → QUEUED again (after a restart), with a note saying so. */
    boolean requeue(String id, String note, Instant at) {
        return update(
                        "UPDATE offline_query_jobs SET status = 'QUEUED', stage = 'queued', fraction = 0, started_at = NULL,"
                                + " notes = notes || jsonb_build_array(?::text), updated_at = ? WHERE id = ? AND status IN ('QUEUED', 'RUNNING')",
                        note,
                        ts(at),
                        id)
                == 1;
    }

    /** Adds a note to a job. */
    void note(String id, String note, Instant at) {
        update(
                "UPDATE offline_query_jobs SET notes = notes || jsonb_build_array(?::text), updated_at = ? WHERE id = ?",
                note,
                ts(at),
                id);
    }

    private List<OfflineJob> query(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, parameters);
            try (ResultSet rs = ps.executeQuery()) {
                List<OfflineJob> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read offline query jobs: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, parameters);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write offline query jobs: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            ps.setObject(i + 1, parameters[i]);
        }
    }

    private static OfflineJob read(ResultSet rs) throws SQLException {
        try {
            long spineRows = rs.getLong(6);
            JobProgress progress = new JobProgress(rs.getString(7), rs.getDouble(8), spineRows);
            return new OfflineJob(
                    rs.getString(1),
                    rs.getString(2),
                    Optional.ofNullable(rs.getString(3)),
                    JobStatus.valueOf(rs.getString(4)),
                    JSON.readValue(rs.getString(5), OfflineQueryPlan.class),
                    progress,
                    optionalLong(rs, 9),
                    optionalLong(rs, 10),
                    Optional.ofNullable(rs.getString(11)),
                    JSON.readValue(rs.getString(12), new TypeReference<List<String>>() {}),
                    rs.getInt(13),
                    rs.getString(14),
                    instant(rs, 15).orElseThrow(),
                    instant(rs, 16),
                    instant(rs, 17),
                    rs.getString(18) == null
                            ? Optional.empty()
                            : Optional.of(JSON.readValue(rs.getString(18), FeatureErrors.class)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored offline query job cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private static Optional<Long> optionalLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }

    /** timestamptz parameters as OffsetDateTime in UTC: never shifted by the session time zone. */
    private static OffsetDateTime ts(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
