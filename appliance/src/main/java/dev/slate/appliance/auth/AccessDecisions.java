package dev.slate.appliance.auth;

import dev.slate.auth.access.AccessPolicy;
import dev.slate.auth.access.Authorizer;
import dev.slate.auth.access.Decision;
import dev.slate.auth.access.EffectiveAccess;
import dev.slate.auth.access.Identity;
import dev.slate.auth.access.Permission;
import dev.slate.auth.access.RoleBinding;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Authorizer} over the cached role bindings, with its answers cached for as long as the
 * bindings do not change: per caller ({@link Caller}, attached to a verified token) and per (identity,
 * environment) for callers seen with a new token. On the query path a decision is one map lookup.
 */
@ApplicationScoped
class AccessDecisions {

    static final int MAX_CACHED = 10_000;

    /** What one identity holds in one environment, and whether restricted tags can be withheld from it. */
    record Access(EffectiveAccess effective, boolean clearedForAllTags) {}

    private record Key(Identity identity, String environment, boolean global) {}

    private final Authorizer authorizer = new Authorizer(AccessPolicy.defaults());
    private final RoleBindingCache bindings;
    private final Map<Key, Access> cache = new ConcurrentHashMap<>();
    private volatile long cachedGeneration = -1;

    AccessDecisions(RoleBindingCache bindings) {
        this.bindings = bindings;
    }

    Authorizer authorizer() {
        return authorizer;
    }

    /**
     * What the caller holds in {@code environment}. With {@code global}, only its realm roles count
     * (role bindings are per environment and never grant the global admin API).
     */
    Access access(Caller caller, String environment, boolean global) {
        List<RoleBinding> current = bindings.bindings();
        long generation = bindings.generation();
        Access access = caller.cached(environment, global, generation);
        if (access != null) {
            return access;
        }
        if (generation != cachedGeneration) {
            cache.clear();
            cachedGeneration = generation;
        }
        Key key = new Key(caller.identity(), environment, global);
        access = cache.get(key);
        if (access == null) {
            EffectiveAccess effective = authorizer.access(caller.identity(), global ? List.of() : current, environment);
            access = new Access(
                    effective,
                    authorizer.featureRule().grantsAll(effective.featureTags().keySet()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, access);
        }
        caller.remember(environment, global, access);
        return access;
    }

    /**
     * Whether the caller holds {@code role} in {@code environment}: as a realm role, or by a role binding there. What a
     * branch limited to a role asks of a caller naming it (docs/environments.md, "Branches").
     */
    boolean holdsRole(Caller caller, String environment, String role) {
        Identity identity = caller.identity();
        if (identity.realmRoles().contains(role)) {
            return true;
        }
        for (RoleBinding b : bindings.bindings()) {
            if (b.role().equals(role) && b.appliesTo(identity.subject(), environment)) {
                return true;
            }
        }
        return false;
    }

    Decision decide(Access access, Permission permission) {
        if (!RoleBinding.ENVIRONMENT.matcher(access.effective().environment()).matches()) {
            return new Decision.Deny(permission, access.effective().environment(), "not a valid environment name");
        }
        return access.effective().check(permission);
    }

    /** Forgets the shared cached decisions (after a binding change through this replica; callers see the new generation). */
    void invalidate() {
        cache.clear();
        cachedGeneration = -1;
    }
}
