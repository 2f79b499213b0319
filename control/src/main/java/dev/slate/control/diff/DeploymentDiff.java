package dev.slate.control.diff;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.ResolverNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What changed from one compiled project to another (docs/deployments.md, "Diff"): features, resolvers and
 * how each feature is computed (its plan step: producer and version). Pure: the same two graphs always give
 * the same diff, sorted by name.
 */
public record DeploymentDiff(List<Change> features, List<Change> resolvers) {
    public DeploymentDiff {
        features = List.copyOf(requireNonNull(features, "features is null"));
        resolvers = List.copyOf(requireNonNull(resolvers, "resolvers is null"));
    }

    /** How one thing changed. */
    public enum Kind {
        ADDED,
        REMOVED,
        CHANGED
    }

    /**
     * One added, removed or changed feature or resolver.
     *
     * @param details for CHANGED: one line per changed property ({@code "type: int -> float"}); for ADDED/REMOVED:
     *     what it is
     */
    public record Change(String name, Kind kind, List<String> details) {
        public Change {
            requireNonNull(name, "name is null");
            requireNonNull(kind, "kind is null");
            details = List.copyOf(details);
        }
    }

    public boolean isEmpty() {
        return features.isEmpty() && resolvers.isEmpty();
    }

    /** The changes that turn {@code from} into {@code to}. */
    public static DeploymentDiff between(FeatureGraph from, FeatureGraph to) {
        return new DeploymentDiff(
                compare(
                        byName(from.features(), FeatureId::toString),
                        byName(to.features(), FeatureId::toString),
                        DeploymentDiff::describe,
                        DeploymentDiff::featureChanges),
                compare(
                        new TreeMap<>(from.resolvers()),
                        new TreeMap<>(to.resolvers()),
                        DeploymentDiff::describe,
                        DeploymentDiff::resolverChanges));
    }

    private static <K, V> TreeMap<String, V> byName(Map<K, V> map, Function<K, String> name) {
        TreeMap<String, V> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(name.apply(k), v));
        return out;
    }

    private static <V> List<Change> compare(
            TreeMap<String, V> from,
            TreeMap<String, V> to,
            Function<V, String> describe,
            BiFunction<V, V, List<String>> changes) {
        TreeSet<String> names = new TreeSet<>(from.keySet());
        names.addAll(to.keySet());
        List<Change> out = new ArrayList<>();
        for (String name : names) {
            V a = from.get(name);
            V b = to.get(name);
            if (a == null) {
                out.add(new Change(name, Kind.ADDED, List.of(describe.apply(b))));
            } else if (b == null) {
                out.add(new Change(name, Kind.REMOVED, List.of(describe.apply(a))));
            } else {
                List<String> details = changes.apply(a, b);
                if (!details.isEmpty()) {
                    out.add(new Change(name, Kind.CHANGED, details));
                }
            }
        }
        return out;
    }

    private static List<String> featureChanges(FeatureNode a, FeatureNode b) {
        List<String> out = new ArrayList<>();
        change(out, "type", a.type().spelling(), b.type().spelling());
        change(out, "computed by", producer(a.producer()), producer(b.producer()));
        change(out, "max_staleness", staleness(a), staleness(b));
        change(out, "tags", new TreeSet<>(a.tags()).toString(), new TreeSet<>(b.tags()).toString());
        change(
                out,
                "etl_offline_to_online",
                Boolean.toString(a.etlOfflineToOnline()),
                Boolean.toString(b.etlOfflineToOnline()));
        if (!a.version().equals(b.version())) {
            // the version covers everything that defines the value, including a resolver's SQL or source
            out.add("version: " + a.version() + " -> " + b.version()
                    + " (values cached under the old version are not served)");
        }
        return out;
    }

    private static List<String> resolverChanges(ResolverNode a, ResolverNode b) {
        List<String> out = new ArrayList<>();
        change(out, "entity", a.entity(), b.entity());
        change(out, "source", a.source(), b.source());
        change(out, "sql", a.sql().strip(), b.sql().strip());
        change(out, "parameters", a.parameters().toString(), b.parameters().toString());
        change(out, "outputs", outputs(a), outputs(b));
        change(out, "timeout", a.timeout().toString(), b.timeout().toString());
        return out;
    }

    private static void change(List<String> out, String what, String a, String b) {
        if (!Objects.equals(a, b)) {
            out.add(what + ": " + a + " -> " + b);
        }
    }

    private static String describe(FeatureNode f) {
        return f.type().spelling() + ", " + producer(f.producer());
    }

    private static String describe(ResolverNode r) {
        return "resolver of " + r.entity() + " on source " + r.source() + ", outputs " + outputs(r);
    }

    private static String outputs(ResolverNode r) {
        return r.outputs().stream()
                .map(o -> o.column() + "=" + o.feature())
                .toList()
                .toString();
    }

    private static String producer(Producer p) {
        return switch (p) {
            case Producer.EntityKey k -> "entity key";
            case Producer.Ingested i -> "ingestion";
            case Producer.Resolved r -> "resolver " + r.resolver();
            case Producer.Computed c -> "expression " + c.expression().text();
            case Producer.Related r ->
                "relation " + r.relation().id().qualified() + " to "
                        + r.target().qualified();
            case Producer.Listed l -> "listing of relation " + l.relation().id().qualified();
            case Producer.Aggregated a ->
                "aggregation " + a.aggregation().function() + " over "
                        + a.aggregation().relation().id().qualified()
                        + a.aggregation().of().map(f -> " of " + f.qualified()).orElse("")
                        + a.aggregation().where().map(w -> " where " + w.text()).orElse("")
                        + a.aggregation().bucket().map(b -> " bucket " + b).orElse("")
                        + " window " + a.window();
        };
    }

    private static String staleness(FeatureNode f) {
        return f.maxStaleness().map(Duration::toString).orElse("unbounded");
    }
}
