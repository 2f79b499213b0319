package dev.slate.serving.model.graph;

import dev.slate.serving.model.FeatureId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Features read through {@code has_one} relations: {@code transaction.user.age} is feature {@code user.age}
 * of entity {@code transaction} (relation {@code user}, then feature {@code age} of the related user), and
 * {@code transaction.user.account.balance} chains two relations. Such a path feature is made on demand
 * (paths are unbounded where relations go back and forth); it is never cached itself (its target is), and
 * its version follows the relation and the target's version.
 */
public final class RelationPaths {
    /** Longest chain of relations one path may follow. */
    public static final int MAX_DEPTH = 8;

    private RelationPaths() {}

    /** The path feature {@code id}, when {@code id.name()} is {@code relation.feature} along has_one relations. */
    public static Optional<FeatureNode> resolve(FeatureGraph graph, FeatureId id) {
        return resolve(graph, id, 0);
    }

    private static Optional<FeatureNode> resolve(FeatureGraph graph, FeatureId id, int depth) {
        FeatureNode declared = graph.features().get(id);
        if (declared != null) {
            return Optional.of(declared);
        }
        Optional<FeatureNode> listing = RelationListings.resolve(graph, id);
        if (listing.isPresent()) {
            return listing;
        }
        int dot = id.name().indexOf('.');
        if (dot <= 0 || dot == id.name().length() - 1 || depth >= MAX_DEPTH) {
            return Optional.empty();
        }
        RelationNode relation =
                graph.relations().get(new FeatureId(id.entity(), id.name().substring(0, dot)));
        if (relation == null || relation.hasMany()) {
            return Optional.empty();
        }
        FeatureId targetId = new FeatureId(relation.target(), id.name().substring(dot + 1));
        return resolve(graph, targetId, depth + 1)
                .map(target -> new FeatureNode(
                        id,
                        target.type(),
                        Optional.of(Duration.ZERO),
                        new Producer.Related(relation, targetId),
                        version(relation, target),
                        target.tags(),
                        target.location()));
    }

    /** The relation a path starts with, when the name is a path. */
    public static Optional<RelationNode> firstRelation(FeatureGraph graph, FeatureId id) {
        int dot = id.name().indexOf('.');
        return dot <= 0
                ? Optional.empty()
                : Optional.ofNullable(graph.relations()
                        .get(new FeatureId(id.entity(), id.name().substring(0, dot))));
    }

    /** True when {@code name} (without entity) is a path: it names a relation first. */
    public static boolean isPath(FeatureId id) {
        return id.name().indexOf('.') > 0;
    }

    private static String version(RelationNode relation, FeatureNode target) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(("related\0" + relation.id().qualified() + "\0" + relation.holders() + "\0" + relation.referenced()
                            + "\0" + target.version())
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
