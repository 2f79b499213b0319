package dev.slate.appliance.auth;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Remembers bearer tokens Quarkus OIDC has verified (signature, issuer, audience, expiry), so that a
 * client sending the same token again is not verified from scratch on every request: parsing the JWT
 * twice and checking an RSA signature is most of what authentication costs on the query path.
 *
 * <p>As an {@link IdentityProvider} that comes before OIDC's, it answers a token it knows with the
 * identity verified earlier (with this request's routing context); for any other token it answers
 * nothing, and OIDC verifies it; its {@link Recorder} (a {@link SecurityIdentityAugmentor}) records each
 * identity OIDC verified. An entry is used until the token expires, and at most {@value #MAX_AGE_MILLIS} ms after it
 * was verified (then the token is verified again, e.g. against rotated realm keys). Keys are the exact
 * token text: a token that differs in any byte is verified anew.
 */
@ApplicationScoped
class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {

    static final long MAX_AGE_MILLIS = 60_000;
    static final int MAX_ENTRIES = 10_000;
    private static final String FROM_CACHE = VerifiedTokens.class.getName();

    private record Entry(SecurityIdentity identity, long usableUntilMillis) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before Quarkus OIDC's provider (whose priority is {@code SYSTEM_FIRST + 1}). */
    @Override
    public int priority() {
        return SYSTEM_FIRST + 2;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        Entry entry = token == null ? null : entries.get(token);
        if (entry == null) {
            return Uni.createFrom().nullItem();
        }
        if (System.currentTimeMillis() >= entry.usableUntilMillis()) {
            entries.remove(token, entry);
            return Uni.createFrom().nullItem();
        }
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        QuarkusSecurityIdentity.Builder copy =
                QuarkusSecurityIdentity.builder(entry.identity()).addAttribute(FROM_CACHE, Boolean.TRUE);
        if (rc != null) {
            copy.addAttribute(RoutingContext.class.getName(), rc);
            Object requestContext = rc.get(AuthenticationRequestContext.class.getName());
            if (requestContext != null) {
                copy.addAttribute(AuthenticationRequestContext.class.getName(), requestContext);
            }
        }
        return Uni.createFrom().item(copy.build());
    }

    /**
     * The caller of a token verified earlier and still usable, or null: lets the access filter skip the
     * whole authentication chain for a client that sends the same token again.
     */
    Caller caller(String token) {
        Entry entry = entries.get(token);
        if (entry == null || System.currentTimeMillis() >= entry.usableUntilMillis()) {
            return null;
        }
        return entry.identity().getAttribute(Caller.ATTRIBUTE) instanceof Caller c ? c : null;
    }

    /** Records an identity OIDC has just verified (not one answered from here). */
    void remember(SecurityIdentity identity) {
        if (identity.isAnonymous()
                || identity.getAttribute(FROM_CACHE) != null
                || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        if (credential != null && credential.getToken() != null) {
            long now = System.currentTimeMillis();
            long usableUntil = Math.min(jwt.getExpirationTime() * 1000, now + MAX_AGE_MILLIS);
            if (usableUntil > now) {
                if (entries.size() >= MAX_ENTRIES) {
                    entries.entrySet().removeIf(e -> e.getValue().usableUntilMillis() <= now);
                    if (entries.size() >= MAX_ENTRIES) {
                        entries.clear();
                    }
                }
                entries.put(credential.getToken(), new Entry(identity, usableUntil));
            }
        }
    }

    /** Attaches the {@link Caller} to every identity OIDC verified and hands it to {@link VerifiedTokens}. */
    @ApplicationScoped
    static class Recorder implements SecurityIdentityAugmentor {
        private final VerifiedTokens tokens;

        Recorder(VerifiedTokens tokens) {
            this.tokens = tokens;
        }

        @Override
        public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
            if (identity.isAnonymous()
                    || identity.getAttribute(FROM_CACHE) != null
                    || identity.getAttribute(Caller.ATTRIBUTE) != null) {
                return Uni.createFrom().item(identity);
            }
            SecurityIdentity withCaller = Callers.identityOf(identity)
                    .<SecurityIdentity>map(i -> QuarkusSecurityIdentity.builder(identity)
                            .addAttribute(Caller.ATTRIBUTE, new Caller(i))
                            .build())
                    .orElse(identity);
            tokens.remember(withCaller);
            return Uni.createFrom().item(withCaller);
        }
    }
}
