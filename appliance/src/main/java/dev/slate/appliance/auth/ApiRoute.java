package dev.slate.appliance.auth;

import static java.util.Objects.requireNonNull;

import dev.slate.auth.access.Permission;

/**
 * What one API request needs: a permission, where it is checked, and how it is audited.
 *
 * @param action the audit log's name for it ({@code deployment.create}, {@code query.online}, ...)
 * @param global checked against realm roles only (role bindings never grant it): role bindings, audit log, secrets
 * @param audited a mutating request: every outcome is written to the audit log (denials always are)
 */
public record ApiRoute(Permission permission, String action, boolean global, boolean audited) {
    public ApiRoute {
        requireNonNull(permission, "permission is null");
        requireNonNull(action, "action is null");
    }
}
