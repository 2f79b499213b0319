package dev.slate.auth.access;

import static dev.slate.auth.access.Permission.ADMIN;
import static dev.slate.auth.access.Permission.DEPLOY;
import static dev.slate.auth.access.Permission.INGEST;
import static dev.slate.auth.access.Permission.QUERY_OFFLINE;
import static dev.slate.auth.access.Permission.QUERY_ONLINE;
import static dev.slate.auth.access.Permission.READ_CATALOG;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which role grants what, and which feature tags are restricted. The same table applies to realm roles
 * (granted in every environment) and to role bindings (granted in one environment). See
 * {@code docs/security.md}.
 */
public final class AccessPolicy {

    public static final String ROLE_ADMIN = "admin";
    public static final String ROLE_DEVELOPER = "developer";
    public static final String ROLE_VIEWER = "viewer";
    public static final String ROLE_SERVICE = "service";
    public static final String ROLE_PII_READER = "pii-reader";

    /** The restricted tag of the default policy. */
    public static final String TAG_PII = "pii";

    private static final AccessPolicy DEFAULTS = new AccessPolicy(
            Map.of(
                    ROLE_ADMIN, RoleGrants.of(QUERY_ONLINE, QUERY_OFFLINE, INGEST, DEPLOY, READ_CATALOG, ADMIN),
                    ROLE_DEVELOPER, RoleGrants.of(QUERY_ONLINE, QUERY_OFFLINE, INGEST, DEPLOY, READ_CATALOG),
                    ROLE_VIEWER, RoleGrants.of(QUERY_ONLINE, QUERY_OFFLINE, READ_CATALOG),
                    ROLE_SERVICE, RoleGrants.of(QUERY_ONLINE, QUERY_OFFLINE, INGEST, READ_CATALOG),
                    ROLE_PII_READER, RoleGrants.tags(TAG_PII)),
            Set.of(TAG_PII));

    private final Map<String, RoleGrants> roles;
    private final Set<String> restrictedTags;

    public AccessPolicy(Map<String, RoleGrants> roles, Set<String> restrictedTags) {
        this.roles = Map.copyOf(Objects.requireNonNull(roles, "roles is null"));
        this.restrictedTags = Set.copyOf(Objects.requireNonNull(restrictedTags, "restrictedTags is null"));
    }

    /** The default table: admin, developer, viewer, service, pii-reader; {@code pii} is restricted. */
    public static AccessPolicy defaults() {
        return DEFAULTS;
    }

    public Optional<RoleGrants> grantsOf(String role) {
        return Optional.ofNullable(roles.get(role));
    }

    /** Every known role, sorted by name. */
    public Map<String, RoleGrants> roles() {
        return new TreeMap<>(roles);
    }

    /** Tags whose features are withheld from identities without a role granting that tag. */
    public Set<String> restrictedTags() {
        return restrictedTags;
    }
}
