package dev.slate.serving.offline;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Work that commits or rolls back with a job's move to SUCCEEDED: the appliance meters the job's result rows there
 * (docs/specs/usage-records.md, {@code offline_rows}), so a job is billed exactly when it succeeded.
 */
@FunctionalInterface
public interface JobSuccessHook {
    JobSuccessHook NONE = (transaction, jobId, environment, rows, at) -> {};

    /**
     * Called inside the transaction that marked the job SUCCEEDED; an exception rolls the job back to RUNNING, and
     * the job then fails with the reason.
     *
     * @param transaction the metadata-database connection of that transaction (auto-commit off)
     */
    void succeeded(Connection transaction, String jobId, String environment, long rows, Instant at) throws SQLException;
}
