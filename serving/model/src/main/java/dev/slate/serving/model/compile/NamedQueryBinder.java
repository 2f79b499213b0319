package dev.slate.serving.model.compile;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.EntityNode;
import dev.slate.serving.model.graph.NamedQuery;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.spec.NamedQuerySpec;
import dev.slate.serving.model.spec.ResolverSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Binds named queries: every name is a feature ({@code entity.feature}), each (name, version) is declared
 * once, and every output can be computed from the inputs — the check the planner makes when the query is
 * planned, made here so that a deployment whose named query cannot be planned is refused with its location.
 */
final class NamedQueryBinder {
    private final Map<FeatureId, Producer> producers;
    private final Map<String, EntityNode> entities;
    private final Function<String, List<FeatureId>> resolverParameters;
    private final Problems problems;

    NamedQueryBinder(
            Map<FeatureId, Producer> producers,
            Map<String, EntityNode> entities,
            Function<String, List<FeatureId>> resolverParameters,
            Problems problems) {
        this.producers = producers;
        this.entities = entities;
        this.resolverParameters = resolverParameters;
        this.problems = problems;
    }

    List<NamedQuery> bind(List<NamedQuerySpec> specs) {
        List<NamedQuery> out = new ArrayList<>();
        Map<String, NamedQuerySpec> declared = new LinkedHashMap<>();
        for (NamedQuerySpec spec : specs) {
            String what = "named query '" + spec.name() + "' version " + spec.version();
            NamedQuerySpec first = declared.putIfAbsent(spec.name() + "@" + spec.version(), spec);
            if (first != null) {
                problems.add(
                        spec.location(),
                        ErrorCode.DUPLICATE_NAME,
                        what + " is declared twice (first at " + first.location()
                                + "); give the new one another version");
                continue;
            }
            List<FeatureId> inputs = features(spec.inputs(), what, "input");
            List<FeatureId> outputs = features(spec.outputs(), what, "output");
            TreeMap<FeatureId, Duration> staleness = new TreeMap<>();
            spec.staleness()
                    .forEach((name, d) -> feature(name, what, "staleness entry").ifPresent(id -> staleness.put(id, d)));
            if (inputs.size() != spec.inputs().size()
                    || outputs.size() != spec.outputs().size()
                    || staleness.size() != spec.staleness().size()) {
                continue; // reported
            }
            boolean plannable = true;
            for (int i = 0; i < outputs.size(); i++) {
                Optional<String> missing = missingInput(outputs.get(i), new HashSet<>(inputs), new HashSet<>());
                if (missing.isPresent()) {
                    problems.add(
                            spec.outputs().get(i).location(),
                            ErrorCode.INVALID_VALUE,
                            what + ": output " + outputs.get(i) + " cannot be computed from its inputs: it needs "
                                    + missing.get() + "; add it to inputs");
                    plannable = false;
                }
            }
            if (plannable) {
                out.add(new NamedQuery(
                        spec.name(),
                        spec.version(),
                        inputs,
                        outputs,
                        staleness,
                        spec.owner(),
                        spec.tags(),
                        spec.description(),
                        spec.location()));
            }
        }
        return out;
    }

    private List<FeatureId> features(List<ResolverSpec.Named> names, String what, String role) {
        Set<FeatureId> out = new LinkedHashSet<>();
        for (ResolverSpec.Named n : names) {
            feature(n, what, role).ifPresent(id -> {
                if (!out.add(id)) {
                    problems.add(
                            n.location(), ErrorCode.DUPLICATE_NAME, what + ": " + role + " " + id + " is listed twice");
                }
            });
        }
        return new ArrayList<>(out);
    }

    private Optional<FeatureId> feature(ResolverSpec.Named name, String what, String role) {
        Optional<FeatureId> id = FeatureId.parse(name.name()).filter(producers::containsKey);
        if (id.isEmpty()) {
            List<String> all =
                    producers.keySet().stream().map(FeatureId::qualified).toList();
            problems.add(
                    name.location(),
                    ErrorCode.UNKNOWN_FEATURE,
                    what + ": " + role + " '" + name.name() + "' is not a feature"
                            + (FeatureId.parse(name.name()).isEmpty() ? " (write entity.feature)" : "")
                            + Suggestions.didYouMean(name.name(), all));
        }
        return id;
    }

    /** The first input {@code id} needs that is not given, walking the producers as the planner does; empty when none. */
    private Optional<String> missingInput(FeatureId id, Set<FeatureId> given, Set<FeatureId> visited) {
        if (given.contains(id) || !visited.add(id)) {
            return Optional.empty();
        }
        Producer p = producers.get(id);
        List<FeatureId> needs = switch (p) {
            case Producer.EntityKey k -> {
                yield null;
            }
            case Producer.Ingested i -> {
                EntityNode e = entities.get(id.entity());
                yield e == null ? List.of() : List.of(e.key());
            }
            case Producer.Computed c -> c.dependencies();
            case Producer.Resolved r -> resolverParameters.apply(r.resolver());
            case Producer.Related r -> r.relation().holders();
            case Producer.Listed l -> l.relation().referenced();
            case Producer.Aggregated a -> a.aggregation().relation().referenced();
            case null -> List.of();
        };
        if (needs == null) {
            return Optional.of(id.qualified() + " (the key of entity " + id.entity() + ")");
        }
        for (FeatureId dep : needs) {
            Optional<String> missing = missingInput(dep, given, visited);
            if (missing.isPresent()) {
                return missing;
            }
        }
        return Optional.empty();
    }
}
