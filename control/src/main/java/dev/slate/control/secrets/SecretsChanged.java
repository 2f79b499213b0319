package dev.slate.control.secrets;

import java.util.Set;

/** CDI event: stored secrets were written or deleted through this replica (data-plane caches of resolved values are stale). */
public record SecretsChanged(Set<String> names) {
    public SecretsChanged {
        names = Set.copyOf(names);
    }
}
