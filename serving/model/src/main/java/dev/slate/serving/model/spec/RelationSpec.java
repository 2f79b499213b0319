package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import java.util.List;
import java.util.Optional;

/**
 * A relationship as declared among an entity's features: {@code user: {has_one: user, foreign_key: user_id}}
 * or {@code transactions: {has_many: transaction, foreign_key: user_id, limit: 100}}.
 *
 * <p>{@code foreign_key} names the features that hold the reference: for {@code has_one} features of
 * this entity, for {@code has_many} features of the related entity. Written as a name, the one feature
 * refers to the other side's key; written as a mapping ({@code {user_id: id, region: region}}, holder to
 * referenced feature), it is a composite key (see docs/specs/project-format.md, "Relationships").
 *
 * @param limit for {@code has_many}: the most rows an output returns
 * @param required a missing related row is an error for the features read through it, not null
 */
public record RelationSpec(
        String entity,
        String name,
        Kind kind,
        String target,
        SourceLocation targetLocation,
        List<ForeignKey> foreignKey,
        SourceLocation foreignKeyLocation,
        int limit,
        boolean required,
        Optional<String> description,
        SourceLocation location) {

    /** Default bound of a {@code has_many} output. */
    public static final int DEFAULT_LIMIT = 1000;

    public RelationSpec {
        requireNonNull(entity, "entity is null");
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(target, "target is null");
        requireNonNull(targetLocation, "targetLocation is null");
        foreignKey = List.copyOf(foreignKey);
        requireNonNull(foreignKeyLocation, "foreignKeyLocation is null");
        requireNonNull(description, "description is null");
        requireNonNull(location, "location is null");
    }

    public enum Kind {
        HAS_ONE("has_one"),
        HAS_MANY("has_many");

        private final String spelling;

        Kind(String spelling) {
            this.spelling = spelling;
        }

        public String spelling() {
            return spelling;
        }
    }

    /**
     * One column of a foreign key.
     *
     * @param holder the feature that holds the value
     * @param referenced the feature it refers to; empty = the referenced entity's key
     */
    public record ForeignKey(String holder, Optional<String> referenced) {
        public ForeignKey {
            requireNonNull(holder, "holder is null");
            requireNonNull(referenced, "referenced is null");
        }
    }
}
