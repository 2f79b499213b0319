package dev.slate.auth.access;

import java.util.Objects;

/**
 * The outcome of one permission check. The {@link #reason()} is meant for the audit log, not for the
 * caller: API responses say only that the permission is missing.
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

    Permission permission();

    String environment();

    String reason();

    default boolean allowed() {
        return this instanceof Allow;
    }

    /** Allowed; {@code grantedBy} names the realm role or binding that grants the permission. */
    record Allow(Permission permission, String environment, String grantedBy) implements Decision {
        public Allow {
            Objects.requireNonNull(permission, "permission is null");
            Objects.requireNonNull(environment, "environment is null");
            Objects.requireNonNull(grantedBy, "grantedBy is null");
        }

        @Override
        public String reason() {
            return grantedBy + " grants " + permission.code() + " in environment '" + environment + "'";
        }
    }

    record Deny(Permission permission, String environment, String reason) implements Decision {
        public Deny {
            Objects.requireNonNull(permission, "permission is null");
            Objects.requireNonNull(environment, "environment is null");
            Objects.requireNonNull(reason, "reason is null");
        }
    }
}
