package dev.slate.auth.access;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Maps the claims of a <em>verified</em> Keycloak access token to an {@link Identity}. Only
 * {@code realm_access.roles} carries roles: any other claim that looks like roles (a top-level
 * {@code roles}, {@code groups}, client roles under {@code resource_access}) is ignored, so a crafted claim
 * cannot add a grant.
 *
 * <p>A service-account token (client credentials grant) becomes {@code client:<azp>}: Keycloak names the
 * service-account user {@code service-account-<clientId>}. Any other token becomes
 * {@code user:<preferred_username>} (or {@code user:<sub>} without a username).
 */
public final class TokenClaims {

    static final String SERVICE_ACCOUNT_PREFIX = "service-account-";

    private TokenClaims() {}

    public static Identity identity(Map<String, ?> claims) {
        Objects.requireNonNull(claims, "claims is null");
        String azp = string(claims.get("azp"));
        String clientId = string(claims.get("client_id"));
        String username = string(claims.get("preferred_username"));
        String sub = string(claims.get("sub"));
        Subject subject;
        if (azp != null && (azp.equals(clientId) || (SERVICE_ACCOUNT_PREFIX + azp).equals(username))) {
            subject = new Subject.Client(azp);
        } else if (username != null) {
            subject = new Subject.User(username);
        } else if (sub != null) {
            subject = new Subject.User(sub);
        } else {
            throw new IllegalArgumentException("token names no subject (no preferred_username, no sub)");
        }
        return new Identity(subject, realmRoles(claims.get("realm_access")));
    }

    private static Set<String> realmRoles(Object realmAccess) {
        Set<String> roles = new LinkedHashSet<>();
        if (realmAccess instanceof Map<?, ?> map && map.get("roles") instanceof Collection<?> list) {
            for (Object role : list) {
                if (role instanceof String s) {
                    roles.add(s);
                }
            }
        }
        return roles;
    }

    private static String string(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }
}
