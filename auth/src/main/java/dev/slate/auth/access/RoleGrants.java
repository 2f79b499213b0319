package dev.slate.auth.access;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** What one role grants: permissions, and the restricted feature tags (e.g. {@code pii}) it may receive. */
public record RoleGrants(Set<Permission> permissions, Set<String> featureTags) {
    public RoleGrants {
        permissions = Set.copyOf(Objects.requireNonNull(permissions, "permissions is null"));
        featureTags = Set.copyOf(Objects.requireNonNull(featureTags, "featureTags is null"));
    }

    public static RoleGrants of(Permission... permissions) {
        return new RoleGrants(permissions.length == 0 ? Set.of() : EnumSet.of(permissions[0], permissions), Set.of());
    }

    public static RoleGrants tags(String... featureTags) {
        return new RoleGrants(Set.of(), Set.of(featureTags));
    }
}
