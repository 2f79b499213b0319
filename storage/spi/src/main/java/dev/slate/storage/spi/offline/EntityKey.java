package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.EntityRef;
import java.util.List;

/**
 * The key of one entity instance: one part for an ordinary key ({@code user.id = 42}), several for a
 * composite key. Every part is a {@link Long} or a {@link String}, as for {@link EntityRef#key()}; the
 * parts are kept apart, so {@code ("1", "23")} and {@code ("12", "3")} are different keys, and so are
 * {@code 42L} and {@code "42"}.
 */
public record EntityKey(List<Object> parts) {
    public EntityKey {
        requireNonNull(parts, "parts is null");
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("an entity key has at least one part");
        }
        for (Object part : parts) {
            if (!(part instanceof Long || part instanceof String)) {
                throw new IllegalArgumentException("entity key parts must be Long or String, got "
                        + part.getClass().getName());
            }
        }
    }

    /** A key of one or more parts, each a {@link Long} or a {@link String}. */
    public static EntityKey of(Object... parts) {
        return new EntityKey(List.of(parts));
    }

    /** The one-part key of an online-store entity reference. */
    public static EntityKey of(EntityRef ref) {
        return new EntityKey(List.of(ref.key()));
    }
}
