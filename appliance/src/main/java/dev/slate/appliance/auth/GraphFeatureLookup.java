package dev.slate.appliance.auth;

import dev.slate.auth.access.TaggedFeatureGraph;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.ResolverNode;
import java.util.ArrayList;
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
            case Producer.Resolved r ->
                Optional.ofNullable(graph.resolvers().get(r.resolver()))
                        .map(ResolverNode::parameters)
                        .orElse(List.of());
            case Producer.EntityKey k -> List.of();
            case Producer.Ingested i -> List.of();
            case Producer.Related r -> {
                List<FeatureId> through = new ArrayList<>(r.relation().holders());
                through.add(r.target());
                yield through;
            }
            case Producer.Listed l -> {
                List<FeatureId> listed = new ArrayList<>(l.relation().referenced());
                listed.addAll(l.fields());
                yield listed;
            }
            case Producer.Aggregated a -> {
                List<FeatureId> over =
                        new ArrayList<>(a.aggregation().relation().referenced());
                a.aggregation().of().ifPresent(over::add);
                a.aggregation().where().ifPresent(w -> over.addAll(w.dependencies()));
                yield over;
            }
        };
        Set<String> names = new LinkedHashSet<>();
        inputs.forEach(id -> names.add(id.qualified()));
        return names;
    }

    private Optional<FeatureNode> node(String feature) {
        // split at the first dot: a feature read through relations (transaction.user.email) has dots in its name
        int dot = feature == null ? -1 : feature.indexOf('.');
        if (dot <= 0 || dot == feature.length() - 1) {
            return Optional.empty();
        }
        return graph.feature(new FeatureId(feature.substring(0, dot), feature.substring(dot + 1)));
    }
}
