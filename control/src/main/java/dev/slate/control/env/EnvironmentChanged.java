package dev.slate.control.env;

import static java.util.Objects.requireNonNull;

/**
 * Fired (synchronously, after the commit) when an environment was created, changed or deleted through this
 * replica, so the reconciler acts at once instead of at its next resync.
 */
public record EnvironmentChanged(String environment, boolean deleted) {
    public EnvironmentChanged {
        requireNonNull(environment, "environment is null");
    }
}
