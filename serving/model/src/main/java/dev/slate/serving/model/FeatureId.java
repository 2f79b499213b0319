package dev.slate.serving.model;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A bound feature name: entity and feature, written {@code user.email}. */
public record FeatureId(String entity, String name) implements Comparable<FeatureId> {
    public FeatureId {
        requireNonNull(entity, "entity is null");
        requireNonNull(name, "name is null");
    }

    /** Splits {@code entity.feature}; empty if the text has no dot or an empty part. */
    public static Optional<FeatureId> parse(String qualified) {
        if (qualified == null) {
            return Optional.empty();
        }
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1 || qualified.indexOf('.', dot + 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(new FeatureId(qualified.substring(0, dot), qualified.substring(dot + 1)));
    }

    public String qualified() {
        return entity + "." + name;
    }

    @Override
    public int compareTo(FeatureId o) {
        int c = entity.compareTo(o.entity);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return qualified();
    }
}
