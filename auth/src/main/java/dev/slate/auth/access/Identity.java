package dev.slate.auth.access;

import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller: who it is and the realm roles its (verified) token carries. Roles that the
 * {@link AccessPolicy} does not know (Keycloak's {@code offline_access}, {@code default-roles-slate}, ...)
 * are carried along and ignored.
 */
public record Identity(Subject subject, Set<String> realmRoles) {
    public Identity {
        Objects.requireNonNull(subject, "subject is null");
        realmRoles = Set.copyOf(Objects.requireNonNull(realmRoles, "realmRoles is null"));
    }

    public static Identity user(String username, String... realmRoles) {
        return new Identity(new Subject.User(username), Set.of(realmRoles));
    }

    public static Identity client(String clientId, String... realmRoles) {
        return new Identity(new Subject.Client(clientId), Set.of(realmRoles));
    }
}
