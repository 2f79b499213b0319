package dev.slate.serving.model.graph;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.FeatureTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON-friendly views of a {@link FeatureGraph} (plain maps and lists; keys in snake_case) for
 * {@code GET /v1/graph} and {@code GET /v1/features}. Secret references and source URLs are not
 * included.
 */
public final class GraphDescription {
    private GraphDescription() {}

    /**
     * The DAG: {@code {project, content_hash, entities[], relations[], nodes[], edges[]}} ({@link #relation} for each relation). Nodes are features
     * ({@code id: "feature:user.email"}) and resolvers ({@code id: "resolver:user_profile"}); an edge
     * {@code {from, to}} means "to" needs "from" (a resolver needs its parameters, a resolver fills its
     * outputs, an expression needs its inputs).
     */
    public static Map<String, Object> graph(FeatureGraph graph) {
        List<Object> entities = new ArrayList<>();
        for (EntityNode e : graph.entities().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("key", e.key().qualified());
            m.put("key_type", FeatureTypes.spelling(e.keyType()));
            m.put("max_staleness", e.maxStaleness().map(Durations::format).orElse(null));
            entities.add(m);
        }
        List<Object> nodes = new ArrayList<>();
        List<Object> edges = new ArrayList<>();
        for (FeatureNode f : graph.features().values()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", featureNodeId(f.id()));
            node.put("kind", "feature");
            node.putAll(feature(f));
            nodes.add(node);
            if (f.producer() instanceof Producer.Computed c) {
                for (FeatureId dep : c.dependencies()) {
                    edges.add(edge(
                            RelationPaths.isPath(dep)
                                    ? relationNodeId(RelationPaths.firstRelation(graph, dep)
                                            .orElseThrow()
                                            .id())
                                    : featureNodeId(dep),
                            featureNodeId(f.id())));
                }
            }
            if (f.producer() instanceof Producer.Aggregated a) {
                edges.add(edge(relationNodeId(a.aggregation().relation().id()), featureNodeId(f.id())));
            }
        }
        for (RelationNode r : graph.relations().values()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", relationNodeId(r.id()));
            node.putAll(relation(r));
            node.put("entity", r.id().entity()); // the node's own spelling of from and to, kept as first published
            node.put("target", r.target());
            node.put("relation_kind", r.kind().spelling());
            node.put("kind", "relation"); // the node's kind, as for features and resolvers
            nodes.add(node);
            for (FeatureId h : r.holders()) {
                edges.add(edge(featureNodeId(h), relationNodeId(r.id())));
            }
        }
        for (ResolverNode r : graph.resolvers().values()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", "resolver:" + r.name());
            node.put("kind", "resolver");
            node.put("name", r.name());
            node.put("entity", r.entity());
            node.put("source", r.source());
            node.put("inputs", r.parameters().stream().map(FeatureId::qualified).toList());
            node.put(
                    "outputs",
                    r.outputs().stream().map(o -> o.feature().qualified()).toList());
            node.put("timeout", Durations.format(r.timeout()));
            if (r.http().isPresent()) { // an HTTP resolver: its method only (its URL and headers may name secrets)
                node.put("source", null);
                node.put("sql", null);
                node.put("http_method", r.http().get().method());
            } else {
                node.put("sql", r.sql());
            }
            nodes.add(node);
            for (FeatureId p : r.parameters()) {
                edges.add(edge(featureNodeId(p), "resolver:" + r.name()));
            }
            for (ResolverNode.Output o : r.outputs()) {
                edges.add(edge("resolver:" + r.name(), featureNodeId(o.feature())));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("project", graph.project());
        out.put("content_hash", graph.contentHash());
        out.put("entities", entities);
        out.put(
                "relations",
                graph.relations().values().stream()
                        .map(GraphDescription::relation)
                        .toList());
        out.put("nodes", nodes);
        out.put("edges", edges);
        return out;
    }

    /**
     * One relation as {@code GET /v1/graph} lists it in {@code relations}: {@code {name, from, to, kind,
     * foreign_key: [{holder, referenced}], limit, required, rows_resolver}}: {@code from} is the entity that declares
     * it, {@code to} the related entity; {@code limit} and {@code rows_resolver} are null for {@code has_one}.
     */
    public static Map<String, Object> relation(RelationNode r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.id().qualified());
        m.put("from", r.id().entity());
        m.put("to", r.target());
        m.put("kind", r.kind().spelling());
        List<Object> fk = new ArrayList<>();
        for (int i = 0; i < r.holders().size(); i++) {
            Map<String, Object> col = new LinkedHashMap<>();
            col.put("holder", r.holders().get(i).qualified());
            col.put("referenced", r.referenced().get(i).qualified());
            fk.add(col);
        }
        m.put("foreign_key", fk);
        m.put("limit", r.hasMany() ? r.limit() : null);
        m.put("required", r.required());
        m.put("rows_resolver", r.hasMany() ? r.rowsResolver().orElse(null) : null);
        return m;
    }

    /** The feature catalog: one entry per feature, in declaration order (see {@link #feature}). */
    public static List<Map<String, Object>> catalog(FeatureGraph graph) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FeatureNode f : graph.features().values()) {
            out.add(feature(f));
        }
        return out;
    }

    /**
     * One feature: {@code {name, entity, type, producer, resolver?, expression?, inputs?,
     * max_staleness, cacheable, etl_offline_to_online, version, tags}}; {@code producer} is one of {@code key},
     * {@code ingested}, {@code resolver}, {@code expression}, {@code relation} (a feature read through a has_one
     * relation, with {@code relation} and {@code target}) or {@code aggregation} (one window of a windowed aggregation,
     * with {@code function, over, of, time, window, windows, where, mode, bucket}); {@code max_staleness} is null when
     * unbounded.
     */
    public static Map<String, Object> feature(FeatureNode f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.id().qualified());
        m.put("entity", f.id().entity());
        m.put("type", FeatureTypes.spelling(f.type()));
        switch (f.producer()) {
            case Producer.EntityKey k -> m.put("producer", "key");
            case Producer.Ingested i -> m.put("producer", "ingested");
            case Producer.Resolved r -> {
                m.put("producer", "resolver");
                m.put("resolver", r.resolver());
            }
            case Producer.Computed c -> {
                m.put("producer", "expression");
                m.put("expression", c.expression().text());
                m.put(
                        "inputs",
                        c.dependencies().stream().map(FeatureId::qualified).toList());
            }
            case Producer.Related r -> {
                m.put("producer", "relation");
                m.put("relation", r.relation().id().qualified());
                m.put("target", r.target().qualified());
            }
            case Producer.Listed l -> {
                m.put("producer", "listing");
                m.put("relation", l.relation().id().qualified());
                m.put("fields", l.fields().stream().map(FeatureId::qualified).toList());
                m.put("time", l.time().qualified());
                m.put("limit", l.relation().limit());
            }
            case Producer.Aggregated a -> {
                AggregationNode agg = a.aggregation();
                m.put("producer", "aggregation");
                m.put("aggregation", agg.id().qualified());
                m.put("function", agg.function().spelling());
                m.put("over", agg.relation().id().qualified());
                m.put("of", agg.of().map(FeatureId::qualified).orElse(null));
                m.put("time", agg.time().qualified());
                m.put("window", Durations.format(a.window()));
                m.put("windows", agg.windows().stream().map(Durations::format).toList());
                m.put("where", agg.where().map(Expression::text).orElse(null));
                m.put("mode", agg.bucket().isPresent() ? "materialized" : "pushdown");
                m.put("bucket", agg.bucket().map(Durations::format).orElse(null));
            }
        }
        m.put("max_staleness", f.maxStaleness().map(Durations::format).orElse(null));
        m.put("cacheable", f.cacheable());
        m.put("etl_offline_to_online", f.etlOfflineToOnline());
        m.put("version", f.version());
        m.put("tags", f.tags().stream().sorted().toList());
        return m;
    }

    private static String relationNodeId(FeatureId id) {
        return "relation:" + id.qualified();
    }

    private static String featureNodeId(FeatureId id) {
        return "feature:" + id.qualified();
    }

    private static Map<String, Object> edge(String from, String to) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", from);
        m.put("to", to);
        return m;
    }

    /**
     * The named queries, in declaration order: {@code {name, version, inputs, outputs, staleness, owner, tags,
     * description}}; {@code staleness} maps features to durations.
     */
    public static List<Map<String, Object>> namedQueries(FeatureGraph graph) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (NamedQuery q : graph.namedQueries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", q.name());
            m.put("version", q.version());
            m.put("inputs", q.inputs().stream().map(FeatureId::qualified).toList());
            m.put("outputs", q.outputs().stream().map(FeatureId::qualified).toList());
            Map<String, Object> staleness = new LinkedHashMap<>();
            q.staleness().forEach((id, d) -> staleness.put(id.qualified(), Durations.format(d)));
            m.put("staleness", staleness);
            m.put("owner", q.owner().orElse(null));
            m.put("tags", q.tags().stream().sorted().toList());
            m.put("description", q.description().orElse(null));
            out.add(m);
        }
        return out;
    }
}
