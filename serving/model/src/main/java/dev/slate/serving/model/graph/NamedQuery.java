package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A named query bound against the graph: every feature it names exists, and its outputs can be planned
 * from its inputs. Serving plans it once per deployment.
 *
 * @param inputs the features a call gives, in declaration order
 * @param outputs the features a call gets, in declaration order
 * @param staleness staleness bounds the query applies, by feature
 */
public record NamedQuery(
        String name,
        int version,
        List<FeatureId> inputs,
        List<FeatureId> outputs,
        SortedMap<FeatureId, Duration> staleness,
        Optional<String> owner,
        Set<String> tags,
        Optional<String> description,
        SourceLocation location) {

    public NamedQuery {
        requireNonNull(name, "name is null");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        staleness = Collections.unmodifiableSortedMap(new TreeMap<>(staleness));
        requireNonNull(owner, "owner is null");
        tags = Set.copyOf(tags);
        requireNonNull(description, "description is null");
        requireNonNull(location, "location is null");
    }

    /** {@code name} or {@code name@version}, as metrics and messages show it. */
    public String label() {
        return name + "@" + version;
    }
}
