package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the offline query service.
 *
 * @param jobsDir where each job keeps its spine and result files ({@code <jobsDir>/<job id>/})
 * @param maxSpineRows most spine rows one query may have
 * @param workerThreads jobs run at once; the others wait in the queue
 * @param maxQueuedJobs most jobs waiting to run; a submission beyond is refused
 * @param runnerId who holds the job files: an appliance recovers, after a restart, only the jobs recorded
 *     with its own runner id (by default its jobs directory)
 * @param recomputeConcurrency spine rows one recomputing job runs at once (each runs the plan's resolvers)
 * @param maxRecomputeRows most spine rows a query that recomputes features may have
 * @param resultRetention how long a finished job (its record, spine and result) is kept after it finished
 */
public record OfflineQueryConfig(
        Path jobsDir,
        long maxSpineRows,
        int workerThreads,
        int maxQueuedJobs,
        String runnerId,
        int recomputeConcurrency,
        long maxRecomputeRows,
        Duration resultRetention) {

    public static final Duration DEFAULT_RESULT_RETENTION = Duration.ofDays(7);

    public static final int DEFAULT_RECOMPUTE_CONCURRENCY = 8;
    public static final long DEFAULT_MAX_RECOMPUTE_ROWS = 1_000_000;

    public OfflineQueryConfig {
        requireNonNull(jobsDir, "jobsDir is null");
        requireNonNull(runnerId, "runnerId is null");
        requireNonNull(resultRetention, "resultRetention is null");
        if (resultRetention.isNegative() || resultRetention.isZero()) {
            throw new IllegalArgumentException("resultRetention must be positive");
        }
        jobsDir = jobsDir.toAbsolutePath().normalize();
        if (maxSpineRows < 1
                || workerThreads < 1
                || maxQueuedJobs < 1
                || recomputeConcurrency < 1
                || maxRecomputeRows < 1) {
            throw new IllegalArgumentException(
                    "maxSpineRows, workerThreads, maxQueuedJobs, recomputeConcurrency and maxRecomputeRows must be positive");
        }
    }

    /** The defaults, with the runner id taken from the jobs directory. */
    public static OfflineQueryConfig of(Path jobsDir, long maxSpineRows, int workerThreads, int maxQueuedJobs) {
        return new OfflineQueryConfig(
                jobsDir,
                maxSpineRows,
                workerThreads,
                maxQueuedJobs,
                jobsDir.toAbsolutePath().normalize().toString(),
                DEFAULT_RECOMPUTE_CONCURRENCY,
                DEFAULT_MAX_RECOMPUTE_ROWS,
                DEFAULT_RESULT_RETENTION);
    }

    /** The same settings with other recompute limits. */
    public OfflineQueryConfig withRecompute(int concurrency, long maxRows) {
        return new OfflineQueryConfig(
                jobsDir, maxSpineRows, workerThreads, maxQueuedJobs, runnerId, concurrency, maxRows, resultRetention);
    }

    /** The same settings with another retention of finished jobs. */
    public OfflineQueryConfig withResultRetention(Duration retention) {
        return new OfflineQueryConfig(
                jobsDir,
                maxSpineRows,
                workerThreads,
                maxQueuedJobs,
                runnerId,
                recomputeConcurrency,
                maxRecomputeRows,
                retention);
    }
}
