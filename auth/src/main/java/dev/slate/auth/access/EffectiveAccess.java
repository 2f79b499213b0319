package dev.slate.auth.access;

import java.util.Map;
import java.util.Objects;

/**
 * Everything one identity holds in one environment, each grant with its source (a realm role or a
 * binding), in a stable order: realm roles first, then bindings, each sorted by role name.
 */
public record EffectiveAccess(
        Identity identity, String environment, Map<Permission, String> permissions, Map<String, String> featureTags) {

    public EffectiveAccess {
        Objects.requireNonNull(identity, "identity is null");
        Objects.requireNonNull(environment, "environment is null");
        permissions = Map.copyOf(Objects.requireNonNull(permissions, "permissions is null"));
        featureTags = Map.copyOf(Objects.requireNonNull(featureTags, "featureTags is null"));
    }

    public boolean has(Permission permission) {
        return permissions.containsKey(permission);
    }

    public Decision check(Permission permission) {
        String grantedBy = permissions.get(permission);
        if (grantedBy != null) {
            return new Decision.Allow(permission, environment, grantedBy);
        }
        return new Decision.Deny(
                permission,
                environment,
                identity.subject().ref() + " has no grant for " + permission.code() + " in environment '" + environment
                        + "'");
    }
}
