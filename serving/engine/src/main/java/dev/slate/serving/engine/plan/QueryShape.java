package dev.slate.serving.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What determines a plan: which features are given, which are asked for (in order), and which
 * staleness bounds the request overrides. Values of inputs and the query time are not part of it,
 * so one plan serves every request of the same shape.
 */
public record QueryShape(
        SortedSet<FeatureId> inputs, List<FeatureId> outputs, SortedMap<FeatureId, Duration> staleness) {
    public QueryShape {
        inputs = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(inputs, "inputs is null")));
        outputs = List.copyOf(outputs);
        staleness = Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(staleness, "staleness is null")));
    }

    public static QueryShape of(Set<FeatureId> inputs, List<FeatureId> outputs, Map<FeatureId, Duration> staleness) {
        return new QueryShape(new TreeSet<>(inputs), outputs, new TreeMap<>(staleness));
    }
}
