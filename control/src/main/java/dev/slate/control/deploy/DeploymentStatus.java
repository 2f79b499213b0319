package dev.slate.control.deploy;

/**
 * Where a deployment is in its lifecycle. A deployment is created {@link #INACTIVE} (or directly
 * {@link #ACTIVE}); activating another deployment of the same environment makes the active one
 * {@link #SUPERSEDED}; activating a superseded or inactive one again is a rollback.
 */
public enum DeploymentStatus {
    /** Stored and validated; never served yet. */
    INACTIVE,
    /** Served by its environment; at most one per environment. */
    ACTIVE,
    /** Was active; another deployment of the environment has been activated since. */
    SUPERSEDED
}
