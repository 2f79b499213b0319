package dev.slate.storage.spi;

import static java.util.Objects.requireNonNull;

/**
 * One entity instance in one namespace: for example environment {@code prod}, entity {@code user},
 * key {@code 42}. The key is in canonical form ({@link Long} or {@link String}).
 */
public record EntityRef(String namespace, String entity, Object key) {
    public EntityRef {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(entity, "entity is null");
        requireNonNull(key, "key is null");
        if (!(key instanceof Long || key instanceof String)) {
            throw new IllegalArgumentException(
                    "entity key must be Long or String, got " + key.getClass().getName());
        }
    }
}
