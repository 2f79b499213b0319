package dev.slate.auth.access;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, for an identity in one environment, whether it holds a permission and which requested features
 * it may receive. Grants are the union of what the identity's realm roles give (in every environment) and
 * what its role bindings for that environment give. Nothing else grants anything: unknown roles, bindings
 * of other subjects and bindings in other environments are ignored, and an invalid environment name is
 * denied.
 */
public final class Authorizer {

    private final AccessPolicy policy;
    private final TaggedFeatureRule featureRule;

    public Authorizer(AccessPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy is null");
        this.featureRule = new TaggedFeatureRule(policy.restrictedTags());
    }

    public AccessPolicy policy() {
        return policy;
    }

    /** What the identity holds in {@code environment}, each grant with its source. */
    public EffectiveAccess access(Identity identity, Collection<RoleBinding> bindings, String environment) {
        Objects.requireNonNull(identity, "identity is null");
        Objects.requireNonNull(bindings, "bindings is null");
        Objects.requireNonNull(environment, "environment is null");
        Map<Permission, String> permissions = new LinkedHashMap<>();
        Map<String, String> tags = new LinkedHashMap<>();
        if (!RoleBinding.ENVIRONMENT.matcher(environment).matches()) {
            return new EffectiveAccess(identity, environment, permissions, tags);
        }
        for (String role : new TreeSet<>(identity.realmRoles())) {
            policy.grantsOf(role).ifPresent(g -> add(g, "realm role '" + role + "'", permissions, tags));
        }
        List<RoleBinding> applicable = bindings.stream()
                .filter(b -> b.appliesTo(identity.subject(), environment))
                .sorted(Comparator.comparing(RoleBinding::role))
                .toList();
        for (RoleBinding binding : applicable) {
            policy.grantsOf(binding.role()).ifPresent(g -> add(g, "binding " + binding.describe(), permissions, tags));
        }
        return new EffectiveAccess(identity, environment, permissions, tags);
    }

    public Decision decide(
            Identity identity, Collection<RoleBinding> bindings, String environment, Permission permission) {
        Objects.requireNonNull(permission, "permission is null");
        Objects.requireNonNull(environment, "environment is null");
        if (!RoleBinding.ENVIRONMENT.matcher(environment).matches()) {
            return new Decision.Deny(permission, environment, "not a valid environment name");
        }
        return access(identity, bindings, environment).check(permission);
    }

    /** The requested features the identity may not receive in {@code environment}, in request order. */
    public Map<String, Withheld> withheldFeatures(
            EffectiveAccess access, Collection<String> requested, TaggedFeatureGraph lookup) {
        return featureRule.withheld(requested, Set.copyOf(access.featureTags().keySet()), lookup);
    }

    public TaggedFeatureRule featureRule() {
        return featureRule;
    }

    private static void add(
            RoleGrants grants, String source, Map<Permission, String> permissions, Map<String, String> tags) {
        for (Permission p : new TreeSet<>(grants.permissions())) {
            permissions.putIfAbsent(p, source);
        }
        for (String tag : new TreeSet<>(grants.featureTags())) {
            tags.putIfAbsent(tag, source);
        }
    }
}
