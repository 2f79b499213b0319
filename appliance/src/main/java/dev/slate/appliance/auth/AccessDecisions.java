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
 * The {@link Authorizer} over the cached role bindings, with its answers cached per (identity,
 * environment) for as long as the bindings do not change: on the query path a decision is one hash
 * lookup.
 */
@ApplicationScoped
class AccessDecisions {

    static final int MAX_CACHED = 10_000;

    /** What one identity holds in one environment, and whether restricted tags can be withheld from it. */
    record Access(EffectiveAccess effective, boolean clearedForAllTags) {
    }

    private record Key(Identity identity, String environment, boolean global) {
    }

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
     * What {@code identity} holds in {@code environment}. With {@code global}, only its realm roles count
     * (role bindings are per environment and never grant the global admin API).
     */
    Access access(Identity identity, String environment, boolean global) {
        List<RoleBinding> current = bindings.bindings();
        long generation = bindings.generation();
        if (generation != cachedGeneration) {
            cache.clear();
            cachedGeneration = generation;
        }
        Key key = new Key(identity, environment, global);
        Access access = cache.get(key);
        if (access == null) {
            EffectiveAccess effective = authorizer.access(identity, global ? List.of() : current, environment);
            access = new Access(effective, authorizer.featureRule().grantsAll(effective.featureTags().keySet()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, access);
        }
        return access;
    }

    Decision decide(Access access, Permission permission) {
        if (!RoleBinding.ENVIRONMENT.matcher(access.effective().environment()).matches()) {
            return new Decision.Deny(permission, access.effective().environment(), "not a valid environment name");
        }
        return access.effective().check(permission);
    }

    /** Forgets every cached decision (after a binding change through this replica). */
    void invalidate() {
        cache.clear();
        cachedGeneration = -1;
    }
}
