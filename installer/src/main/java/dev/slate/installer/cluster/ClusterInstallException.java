package dev.slate.installer.cluster;

import static java.util.Objects.requireNonNull;

/**
 * A cluster install, upgrade, rollback or uninstall stopped: names the step that failed and why, keeps the cause.
 * The release's record says the same, so running the command again continues at that step.
 */
public final class ClusterInstallException extends RuntimeException {
    private final String step;

    public ClusterInstallException(String step, String reason, Throwable cause) {
        super("step " + requireNonNull(step, "step is null") + " failed: " + reason, cause);
        this.step = step;
    }

    /** The step that failed, e.g. {@code push-images}, {@code apply}, {@code backup}. */
    public String step() {
        return step;
    }
}
