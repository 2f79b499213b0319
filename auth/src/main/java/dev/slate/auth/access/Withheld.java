package dev.slate.auth.access;

import java.util.List;
import java.util.Objects;

/**
 * A feature withheld by the tagged-feature rule. {@code path} runs from the requested feature to the
 * feature carrying {@code tag}; it has one element when the requested feature is tagged itself.
 */
public record Withheld(String feature, String tag, List<String> path) {
    public Withheld {
        Objects.requireNonNull(feature, "feature is null");
        Objects.requireNonNull(tag, "tag is null");
        path = List.copyOf(path);
        if (path.isEmpty() || !path.getFirst().equals(feature)) {
            throw new IllegalArgumentException("path must start at the withheld feature");
        }
    }

    /** The feature that carries the restricted tag. */
    public String taggedFeature() {
        return path.getLast();
    }

    public String reason() {
        if (path.size() == 1) {
            return "feature '" + feature + "' is tagged '" + tag + "'";
        }
        return "feature '" + feature + "' is computed from '" + taggedFeature() + "', tagged '" + tag + "' ("
                + String.join(" <- ", path) + ")";
    }
}
