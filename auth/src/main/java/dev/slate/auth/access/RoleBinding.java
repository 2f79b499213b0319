package dev.slate.auth.access;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Gives a subject a role in one environment only ({@code user:dave} is {@code developer} in {@code qa}).
 * Bindings are stored per environment (PostgreSQL); they add to what the subject's realm roles grant
 * everywhere.
 */
public record RoleBinding(Subject subject, String environment, String role) {

    /** Environment names as the control plane and the serving API accept them ({@code EnvironmentName}). */
    public static final Pattern ENVIRONMENT = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    /** Role names: Keycloak realm role names without whitespace. */
    public static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

    public RoleBinding {
        Objects.requireNonNull(subject, "subject is null");
        Objects.requireNonNull(environment, "environment is null");
        Objects.requireNonNull(role, "role is null");
        if (!ENVIRONMENT.matcher(environment).matches()) {
            throw new IllegalArgumentException("invalid environment name '" + environment + "'");
        }
        if (!ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("invalid role name '" + role + "'");
        }
    }

    public boolean appliesTo(Subject candidate, String environmentName) {
        return subject.equals(candidate) && environment.equals(environmentName);
    }

    /** {@code developer@qa for user:dave}. */
    public String describe() {
        return role + "@" + environment + " for " + subject.ref();
    }
}
