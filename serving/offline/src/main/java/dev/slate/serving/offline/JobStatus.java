package dev.slate.serving.offline;

/**
 * The life of an offline query job: {@code QUEUED → RUNNING → SUCCEEDED | FAILED}, and {@code CANCELLED}
 * from either of the first two. A job found QUEUED or RUNNING when its appliance starts is queued again
 * (its spine is still there) or FAILED (it is not); it never silently disappears.
 */
public enum JobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** True once the job can no longer change. */
    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
