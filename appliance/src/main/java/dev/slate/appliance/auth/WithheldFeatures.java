package dev.slate.appliance.auth;

import dev.slate.auth.access.TaggedFeatureRule;
import dev.slate.auth.access.Withheld;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.FeatureGraph;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which features of a deployed graph an identity may not receive, given the restricted tags it is
 * cleared for: worked out once per (graph content, cleared tags) over the whole graph, then served from
 * memory, so a query pays one lookup per output at most.
 */
@ApplicationScoped
class WithheldFeatures {

    static final int MAX_CACHED = 1_000;

    private record Key(String contentHash, Set<String> clearedTags) {}

    private final Map<Key, Map<FeatureId, Withheld>> cache = new ConcurrentHashMap<>();
    private final TaggedFeatureRule rule;

    WithheldFeatures(AccessDecisions decisions) {
        this.rule = decisions.authorizer().featureRule();
    }

    /** The features of {@code graph} withheld from an identity cleared for {@code clearedTags}; empty when none. */
    Map<FeatureId, Withheld> of(FeatureGraph graph, Set<String> clearedTags) {
        Key key = new Key(graph.contentHash(), clearedTags);
        Map<FeatureId, Withheld> withheld = cache.get(key);
        if (withheld == null) {
            withheld = compute(graph, clearedTags);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, withheld);
        }
        return withheld;
    }

    private Map<FeatureId, Withheld> compute(FeatureGraph graph, Set<String> clearedTags) {
        List<String> names = new ArrayList<>(graph.features().size());
        graph.features().keySet().forEach(id -> names.add(id.qualified()));
        Map<String, Withheld> byName = rule.withheld(names, clearedTags, new GraphFeatureLookup(graph));
        Map<FeatureId, Withheld> out = new HashMap<>();
        byName.forEach((name, w) -> FeatureId.parse(name).ifPresent(id -> out.put(id, w)));
        return Map.copyOf(out);
    }
}
