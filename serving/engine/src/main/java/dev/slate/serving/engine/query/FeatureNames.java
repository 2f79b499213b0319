package dev.slate.serving.engine.query;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import java.time.Duration;
import java.util.Optional;

/** Names of windowed features as callers write them: {@code user.txn_count[1h]}. */
public final class FeatureNames {
    private FeatureNames() {}

    /** {@code user.txn_count[60m]} as the declared window {@code user.txn_count[1h]}, when it is one. */
    static Optional<FeatureNode> canonicalWindow(FeatureGraph graph, FeatureId id) {
        return window(id).flatMap(w -> {
            AggregationNode a = graph.aggregations().get(w.aggregation());
            return a == null
                            || w.window().isEmpty()
                            || !a.windows().contains(w.window().get())
                    ? Optional.empty()
                    : graph.feature(a.window(w.window().get()));
        });
    }

    /**
     * Why a name that is no feature names no window, when it names an aggregation: {@code user.txn_count} (no window)
     * or {@code user.txn_count[2h]} (a window not declared); the message lists the declared windows.
     */
    public static Optional<String> windowProblem(FeatureGraph graph, String name) {
        Optional<FeatureId> id = FeatureId.parse(name.indexOf('[') > 0 ? name.substring(0, name.indexOf('[')) : name)
                .map(base -> name.indexOf('[') > 0
                        ? new FeatureId(base.entity(), base.name() + name.substring(name.indexOf('[')))
                        : base);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<Window> w = window(id.get());
        FeatureId base = w.map(Window::aggregation).orElse(id.get());
        AggregationNode a = graph.aggregations().get(base);
        if (a == null) {
            return Optional.empty();
        }
        String declared = String.join(
                ", ", a.windows().stream().map(d -> a.window(d).qualified()).toList());
        if (w.isEmpty()) {
            return Optional.of(base + " is a windowed aggregation: ask for one of its windows, " + declared);
        }
        return Optional.of("window '" + name.substring(name.indexOf('[')) + "' of " + base
                + " is not declared; declared windows: " + declared);
    }

    private record Window(FeatureId aggregation, Optional<Duration> window) {}

    private static Optional<Window> window(FeatureId id) {
        String n = id.name();
        int open = n.indexOf('[');
        if (open <= 0 || !n.endsWith("]")) {
            return Optional.empty();
        }
        FeatureId base = new FeatureId(id.entity(), n.substring(0, open));
        try {
            return Optional.of(new Window(base, Optional.of(Durations.parse(n.substring(open + 1, n.length() - 1)))));
        } catch (IllegalArgumentException e) {
            return Optional.of(new Window(base, Optional.empty()));
        }
    }
}
