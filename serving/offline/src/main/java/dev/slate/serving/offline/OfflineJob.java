package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The record of one offline query job, as kept in the metadata database.
 *
 * @param notes what happened besides status changes, oldest first (e.g. a re-queue after a restart)
 * @param attempts how often the job has started running
 * @param featureErrors for a SUCCEEDED job that recomputed features: the recomputed values that failed (null
 *     in the dataset); empty when none failed or nothing was recomputed
 */
public record OfflineJob(
        String id,
        String environment,
        Optional<String> datasetName,
        JobStatus status,
        OfflineQueryPlan plan,
        JobProgress progress,
        Optional<Long> resultRows,
        Optional<Long> resultBytes,
        Optional<String> error,
        List<String> notes,
        int attempts,
        String runner,
        Instant createdAt,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        Optional<FeatureErrors> featureErrors) {

    public OfflineJob {
        requireNonNull(id, "id is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(datasetName, "datasetName is null");
        requireNonNull(status, "status is null");
        requireNonNull(plan, "plan is null");
        requireNonNull(progress, "progress is null");
        requireNonNull(resultRows, "resultRows is null");
        requireNonNull(resultBytes, "resultBytes is null");
        requireNonNull(error, "error is null");
        notes = List.copyOf(notes);
        requireNonNull(runner, "runner is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(finishedAt, "finishedAt is null");
        requireNonNull(featureErrors, "featureErrors is null");
    }

    /** The same job with live progress (from the running worker) instead of the last persisted one. */
    public OfflineJob withProgress(JobProgress live) {
        return new OfflineJob(
                id,
                environment,
                datasetName,
                status,
                plan,
                live,
                resultRows,
                resultBytes,
                error,
                notes,
                attempts,
                runner,
                createdAt,
                startedAt,
                finishedAt,
                featureErrors);
    }
}
