package dev.slate.offline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Settings of the offline query service.
 *
 * @param jobsDir where each job keeps its spine and result files ({@code <jobsDir>/<job id>/})
 * @param maxSpineRows most spine rows one query may have
 * @param workerThreads jobs run at once; the others wait in the queue
 * @param maxQueuedJobs most jobs waiting to run; a submission beyond is refused
 * @param runnerId who holds the job files: an appliance recovers, after a restart, only the jobs recorded
 *     with its own runner id (by default its jobs directory)
 */
public record OfflineQueryConfig(Path jobsDir, long maxSpineRows, int workerThreads, int maxQueuedJobs, String runnerId) {
    public OfflineQueryConfig {
        requireNonNull(jobsDir, "jobsDir is null");
        requireNonNull(runnerId, "runnerId is null");
        jobsDir = jobsDir.toAbsolutePath().normalize();
        if (maxSpineRows < 1 || workerThreads < 1 || maxQueuedJobs < 1) {
            throw new IllegalArgumentException("maxSpineRows, workerThreads and maxQueuedJobs must be positive");
        }
    }

    /** The defaults, with the runner id taken from the jobs directory. */
    public static OfflineQueryConfig of(Path jobsDir, long maxSpineRows, int workerThreads, int maxQueuedJobs) {
        return new OfflineQueryConfig(jobsDir, maxSpineRows, workerThreads, maxQueuedJobs, jobsDir.toAbsolutePath().normalize().toString());
    }
}
