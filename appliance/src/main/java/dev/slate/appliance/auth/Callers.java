package dev.slate.appliance.auth;

import dev.slate.auth.access.Identity;
import dev.slate.auth.access.TokenClaims;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.json.JsonString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Turns the identity Quarkus OIDC verified (signature, issuer, audience, expiry) into the permission
 * model's {@link Identity}: the subject from the token's claims ({@link TokenClaims}), the realm roles
 * from {@code realm_access.roles} only (Quarkus reads them from there: {@code quarkus.oidc.roles.role-claim-path}).
 */
final class Callers {

    /** Who is asked when authentication is switched off ({@code slate.auth.enabled=false}). */
    static final Caller AUTH_DISABLED = new Caller(Identity.user("auth-disabled", "admin", "pii-reader"));

    private Callers() {}

    /**
     * The caller of a verified identity: the one attached to it when its token was verified
     * ({@link VerifiedTokens}), else worked out now. Empty for an anonymous identity, or one that is not a
     * verified token or names no usable subject.
     */
    static Optional<Caller> of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return Optional.empty();
        }
        if (identity.getAttribute(Caller.ATTRIBUTE) instanceof Caller attached) {
            return Optional.of(attached);
        }
        return identityOf(identity).map(Caller::new);
    }

    /** The permission model's identity of a verified token: subject from its claims, realm roles. */
    static Optional<Identity> identityOf(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Optional.empty();
        }
        Map<String, Object> claims = new HashMap<>(8);
        for (String name : new String[] {"azp", "client_id", "preferred_username", "sub"}) {
            Object value = text(jwt.getClaim(name));
            if (value != null) {
                claims.put(name, value);
            }
        }
        claims.put("realm_access", Map.of("roles", List.copyOf(identity.getRoles())));
        try {
            return Optional.of(TokenClaims.identity(claims));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a token naming no usable subject
        }
    }

    private static String text(Object claim) {
        if (claim instanceof JsonString s) {
            return s.getString();
        }
        return claim instanceof String s ? s : null;
    }
}
