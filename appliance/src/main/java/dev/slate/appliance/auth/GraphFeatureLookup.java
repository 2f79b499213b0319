package dev.slate.appliance.auth;

import dev.slate.auth.access.TaggedFeatureGraph;
import dev.slate.model.FeatureId;
import dev.slate.model.graph.FeatureGraph;
import dev.slate.model.graph.FeatureNode;
import dev.slate.model.graph.Producer;
import dev.slate.model.graph.ResolverNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The compiled feature graph as the tagged-feature rule sees it: a feature's inputs are the features
 * its expression reads ({@link Producer.Computed}) or the parameters of the resolver that produces it
 * ({@link Producer.Resolved}: a value looked up by a personal attribute is derived from it).
 */
final class GraphFeatureLookup implements TaggedFeatureGraph {

    private final FeatureGraph graph;

    GraphFeatureLookup(FeatureGraph graph) {
        this.graph = graph;
    }

    @Override
    public Set<String> tags(String feature) {
        return node(feature).map(FeatureNode::tags).orElse(Set.of());
    }

    @Override
    public Set<String> inputs(String feature) {
        Optional<FeatureNode> node = node(feature);
        if (node.isEmpty()) {
            return Set.of();
        }
        List<FeatureId> inputs = switch (node.get().producer()) {
            case Producer.Computed c -> c.dependencies();
            case Producer.Resolved r -> Optional.ofNullable(graph.resolvers().get(r.resolver())).map(ResolverNode::parameters).orElse(List.of());
            case Producer.EntityKey k -> List.of();
            case Producer.Ingested i -> List.of();
        };
        Set<String> names = new LinkedHashSet<>();
        inputs.forEach(id -> names.add(id.qualified()));
        return names;
    }

    private Optional<FeatureNode> node(String feature) {
        return FeatureId.parse(feature).flatMap(graph::feature);
    }
}
