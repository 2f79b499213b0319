package dev.slate.auth.access;

import java.util.Map;
import java.util.Set;

/**
 * The two facts about a feature graph that the tagged-feature rule needs. Serving implements it over its
 * compiled graph; tests over maps. Unknown features have no tags and no inputs.
 */
public interface TaggedFeatureGraph {

    /** The tags declared on the feature ({@code pii}, {@code team:fraud}, ...). */
    Set<String> tags(String feature);

    /** The features this feature is computed from, directly. */
    Set<String> inputs(String feature);

    static TaggedFeatureGraph of(Map<String, Set<String>> tags, Map<String, Set<String>> inputs) {
        Map<String, Set<String>> tagsCopy = Map.copyOf(tags);
        Map<String, Set<String>> inputsCopy = Map.copyOf(inputs);
        return new TaggedFeatureGraph() {
            @Override
            public Set<String> tags(String feature) {
                return tagsCopy.getOrDefault(feature, Set.of());
            }

            @Override
            public Set<String> inputs(String feature) {
                return inputsCopy.getOrDefault(feature, Set.of());
            }
        };
    }
}
