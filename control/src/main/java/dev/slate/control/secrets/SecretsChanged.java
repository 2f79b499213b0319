package dev.slate.control.secrets;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/** CDI event: stored secrets of one environment were written or deleted through this replica (data-plane caches of resolved values are stale). */
public record SecretsChanged(String environment, Set<String> names) {
    public SecretsChanged {
        requireNonNull(environment, "environment is null");
        names = Set.copyOf(names);
    }
}
