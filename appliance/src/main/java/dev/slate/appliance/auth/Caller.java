package dev.slate.appliance.auth;

import dev.slate.auth.access.Identity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A verified caller as the permission model sees it ({@link Identity}), with the decisions already
 * made for it per environment. Attached to the Quarkus security identity of a token when it is first
 * verified ({@link VerifiedTokens}), so a client that sends the same token again costs one map lookup
 * per request. The decisions are dropped whenever the role bindings change ({@code generation}).
 */
final class Caller {

    static final String ATTRIBUTE = Caller.class.getName();
    private static final int MAX_ENVIRONMENTS = 256;

    private final Identity identity;
    private final Map<String, AccessDecisions.Access> perEnvironment = new ConcurrentHashMap<>();
    private final Map<String, AccessDecisions.Access> realmOnly = new ConcurrentHashMap<>();
    private volatile long generation = -1;

    Caller(Identity identity) {
        this.identity = identity;
    }

    Identity identity() {
        return identity;
    }

    /** The cached decision for an environment under bindings {@code currentGeneration}, or null. */
    AccessDecisions.Access cached(String environment, boolean global, long currentGeneration) {
        if (generation != currentGeneration) {
            perEnvironment.clear();
            realmOnly.clear();
            generation = currentGeneration;
            return null;
        }
        return (global ? realmOnly : perEnvironment).get(environment);
    }

    void remember(String environment, boolean global, AccessDecisions.Access access) {
        Map<String, AccessDecisions.Access> map = global ? realmOnly : perEnvironment;
        if (map.size() < MAX_ENVIRONMENTS) {
            map.put(environment, access);
        }
    }

    @Override
    public String toString() {
        return "Caller[" + identity.subject().ref() + "]";
    }
}
