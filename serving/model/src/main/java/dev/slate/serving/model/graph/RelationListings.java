package dev.slate.serving.model.graph;

import dev.slate.serving.model.FeatureId;
import dev.slate.storage.spi.FeatureType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The listing of a {@code has_many} relation as an output (docs/project-format.md, "Relationships"):
 * {@code user.transactions} is the related rows with every feature the relation's {@code many: true} resolver
 * selects, {@code user.transactions{id,amount}} with only the named ones. Like a path feature it is made on
 * demand; it is never cached or logged (its value moves with the query time and with the related rows).
 *
 * <p>Its type is nominal ({@code list<string>}): the value is a list of objects, which no declared feature type
 * describes, and it is never stored, coerced or given as an input.
 */
public final class RelationListings {

    private RelationListings() {}

    /**
     * The listing {@code id}, when {@code id.name()} is a {@code has_many} relation of its entity, optionally with a
     * field selection; empty when it is not, when the relation has no {@code many: true} resolver or its entity no
     * event time, or when the selection names a feature that resolver does not select.
     */
    public static Optional<FeatureNode> resolve(FeatureGraph graph, FeatureId id) {
        String name = id.name();
        int open = name.indexOf('{');
        String relationName = open < 0 ? name : name.substring(0, open);
        RelationNode relation = graph.relations().get(new FeatureId(id.entity(), relationName));
        if (relation == null || !relation.hasMany() || relation.rowsResolver().isEmpty()) {
            return Optional.empty();
        }
        ResolverNode rows = graph.resolvers().get(relation.rowsResolver().get());
        EntityNode target = graph.entities().get(relation.target());
        if (rows == null || target == null || target.time().isEmpty()) {
            return Optional.empty();
        }
        List<FeatureId> selectable =
                rows.outputs().stream().map(ResolverNode.Output::feature).toList();
        List<FeatureId> fields;
        if (open < 0) {
            fields = selectable;
        } else {
            Optional<List<FeatureId>> selected = selection(name.substring(open), relation.target(), selectable);
            if (selected.isEmpty()) {
                return Optional.empty();
            }
            fields = selected.get();
        }
        Set<String> tags = new LinkedHashSet<>();
        for (FeatureId f : fields) {
            FeatureNode n = graph.features().get(f);
            if (n != null) {
                tags.addAll(n.tags());
            }
        }
        return Optional.of(new FeatureNode(
                id,
                new FeatureType.ListOf(FeatureType.Scalar.STRING),
                Optional.of(Duration.ZERO),
                new Producer.Listed(relation, target.time().get(), fields),
                version(graph, relation, rows, fields),
                tags,
                relation.location()));
    }

    /** The features of {@code {a, b}}: each once, each selected by the rows resolver; empty when the text is no such selection. */
    private static Optional<List<FeatureId>> selection(String text, String entity, List<FeatureId> selectable) {
        if (!text.endsWith("}") || text.length() < 3) {
            return Optional.empty();
        }
        List<FeatureId> out = new ArrayList<>();
        for (String part : text.substring(1, text.length() - 1).split(",", -1)) {
            FeatureId f = new FeatureId(entity, part.strip());
            if (!selectable.contains(f) || out.contains(f)) {
                return Optional.empty();
            }
            out.add(f);
        }
        return Optional.of(out);
    }

    /**
     * Why {@code id}, which names a {@code has_many} relation, is no listing (for a request error); empty when it
     * names no has_many relation or is a listing.
     */
    public static Optional<String> problem(FeatureGraph graph, FeatureId id) {
        int open = id.name().indexOf('{');
        RelationNode r = graph.relations()
                .get(new FeatureId(id.entity(), open < 0 ? id.name() : id.name().substring(0, open)));
        if (r == null || !r.hasMany() || resolve(graph, id).isPresent()) {
            return Optional.empty();
        }
        if (r.rowsResolver().isEmpty()
                || !graph.resolvers().containsKey(r.rowsResolver().get())) {
            return Optional.of(r.id() + " cannot be listed: the project declares no many: true resolver of "
                    + r.target() + " with parameters " + r.holders());
        }
        EntityNode target = graph.entities().get(r.target());
        if (target == null || target.time().isEmpty()) {
            return Optional.of(r.id() + " cannot be listed: entity " + r.target()
                    + " names no event time (time: on the entity) to order its rows by");
        }
        List<String> selectable = graph.resolvers().get(r.rowsResolver().get()).outputs().stream()
                .map(o -> o.feature().name())
                .toList();
        return Optional.of("'" + id.qualified() + "' selects no fields of " + r.id() + " that can be listed: write "
                + r.id().qualified() + " for every field or " + r.id().qualified()
                + "{a,b} with each of a, b once among " + String.join(", ", selectable));
    }

    private static String version(
            FeatureGraph graph, RelationNode relation, ResolverNode rows, List<FeatureId> fields) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            StringBuilder sb = new StringBuilder("listed\0")
                    .append(relation.id().qualified())
                    .append('\0')
                    .append(relation.holders())
                    .append('\0')
                    .append(relation.limit())
                    .append('\0')
                    .append(rows.name());
            for (FeatureId f : fields) {
                FeatureNode n = graph.features().get(f);
                sb.append('\0').append(f.qualified()).append('=').append(n == null ? "" : n.version());
            }
            d.update(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
