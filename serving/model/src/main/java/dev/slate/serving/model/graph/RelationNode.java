package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.spec.RelationSpec;
import java.util.List;
import java.util.Optional;

/**
 * A bound relationship between two entities.
 *
 * <p>For {@code has_one} the {@code holders} are features of {@link #id()}'s entity and {@code referenced}
 * features of {@code target}: the related row is the {@code target} row whose referenced features equal
 * the holders' values. For {@code has_many} it is the other way round: the holders are features of
 * {@code target} and {@code referenced} features of this entity.
 *
 * @param id the relation as a feature of its entity ({@code transaction.user}, {@code user.transactions})
 * @param limit for {@code has_many}: the most rows one output returns
 * @param required a missing related row is an error (for {@code has_one}), not null
 * @param rowsResolver for {@code has_many}: the {@code many: true} resolver of {@code target} that lists the
 *     related rows from the referenced values, when the project declares one
 */
public record RelationNode(
        FeatureId id,
        RelationSpec.Kind kind,
        String target,
        List<FeatureId> holders,
        List<FeatureId> referenced,
        int limit,
        boolean required,
        Optional<String> rowsResolver,
        SourceLocation location) {

    public RelationNode {
        requireNonNull(id, "id is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(target, "target is null");
        holders = List.copyOf(holders);
        referenced = List.copyOf(referenced);
        if (holders.size() != referenced.size() || holders.isEmpty()) {
            throw new IllegalArgumentException(
                    "a foreign key needs as many holders as referenced features, at least one");
        }
        requireNonNull(rowsResolver, "rowsResolver is null");
        requireNonNull(location, "location is null");
    }

    public boolean hasMany() {
        return kind == RelationSpec.Kind.HAS_MANY;
    }
}
