package dev.slate.auth.access;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The restricted-tag rule: an identity without a grant for a restricted tag (e.g. {@code pii}) gets a
 * per-feature UNAUTHORIZED for every feature carrying that tag <em>and for every feature computed from
 * one, transitively</em> — a value derived from personal data is withheld like the data itself.
 *
 * <p>Pure function over a {@link TaggedFeatureGraph}; safe on graphs with cycles. For each withheld feature it
 * reports the shortest path to a tagged input (ties broken by name, so the answer is deterministic).
 */
public final class TaggedFeatureRule {

    private final Set<String> restrictedTags;

    public TaggedFeatureRule(Set<String> restrictedTags) {
        this.restrictedTags = Set.copyOf(Objects.requireNonNull(restrictedTags, "restrictedTags is null"));
    }

    public Set<String> restrictedTags() {
        return restrictedTags;
    }

    /** True when {@code grantedTags} covers every restricted tag, so nothing can be withheld. */
    public boolean grantsAll(Set<String> grantedTags) {
        return grantedTags.containsAll(restrictedTags);
    }

    /** The requested features that must be withheld, in request order. */
    public Map<String, Withheld> withheld(
            Collection<String> features, Set<String> grantedTags, TaggedFeatureGraph lookup) {
        Objects.requireNonNull(features, "features is null");
        Objects.requireNonNull(grantedTags, "grantedTags is null");
        Objects.requireNonNull(lookup, "lookup is null");
        if (grantsAll(grantedTags)) {
            return Map.of();
        }
        Map<String, Withheld> out = new LinkedHashMap<>();
        for (String feature : features) {
            if (!out.containsKey(feature)) {
                check(feature, grantedTags, lookup).ifPresent(w -> out.put(feature, w));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Whether one feature is withheld, and why: breadth-first over its inputs. */
    public Optional<Withheld> check(String feature, Set<String> grantedTags, TaggedFeatureGraph lookup) {
        Objects.requireNonNull(feature, "feature is null");
        if (grantsAll(grantedTags)) {
            return Optional.empty();
        }
        Map<String, String> reachedFrom = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        reachedFrom.put(feature, null);
        queue.add(feature);
        while (!queue.isEmpty()) {
            String current = queue.poll();
            Optional<String> tag = deniedTag(lookup.tags(current), grantedTags);
            if (tag.isPresent()) {
                return Optional.of(new Withheld(feature, tag.get(), pathTo(current, reachedFrom)));
            }
            for (String input : new TreeSet<>(lookup.inputs(current))) {
                if (!reachedFrom.containsKey(input)) {
                    reachedFrom.put(input, current);
                    queue.add(input);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> deniedTag(Set<String> tags, Set<String> grantedTags) {
        return new TreeSet<>(tags)
                .stream()
                        .filter(restrictedTags::contains)
                        .filter(t -> !grantedTags.contains(t))
                        .findFirst();
    }

    private static List<String> pathTo(String end, Map<String, String> reachedFrom) {
        List<String> path = new ArrayList<>();
        for (String at = end; at != null; at = reachedFrom.get(at)) {
            path.add(at);
        }
        Collections.reverse(path);
        return path;
    }
}
