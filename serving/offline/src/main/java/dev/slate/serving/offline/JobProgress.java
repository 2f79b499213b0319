package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

/**
 * How far a job is.
 *
 * @param stage {@code queued}, {@code writing_spine}, {@code reading_spine}, {@code planning}, {@code joining},
 *     {@code combining}, {@code done} (lower case, for the API)
 * @param fraction of the whole job, 0 to 1
 * @param spineRows rows of the spine, -1 while unknown
 */
public record JobProgress(String stage, double fraction, long spineRows) {
    public JobProgress {
        requireNonNull(stage, "stage is null");
    }

    public static JobProgress queued(long spineRows) {
        return new JobProgress("queued", 0, spineRows);
    }
}
