package dev.slate.serving.bench;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The measured scenarios of the Performance section, in the order they run. */
enum ScenarioId {
    /** (a) 1 entity x 50 cached features, open loop at a fixed rate. */
    A_OPEN("a-open"),
    /** (a) the same query, closed loop with N requests in flight: maximum throughput. */
    A_CLOSED("a-closed"),
    /** (b) bulk: 100 entities x 50 cached features, open loop. */
    B("b"),
    /** (c) uncached: one PostgreSQL resolver by primary key plus 24 CEL expressions = 100 features, open loop. */
    C("c"),
    /** (d) bulk computed: 100 entities of (c) per request (one SQL resolver + 24 CEL expressions per row), open loop. */
    D("d");

    private final String label;

    ScenarioId(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Whether the scenario reads cached features (entity {@code item}), so the cache must be warm first. */
    boolean readsCache() {
        return this == A_OPEN || this == A_CLOSED || this == B;
    }

    /** Parses {@code a,b}, {@code a-closed}, {@code all}; {@code a} means both a-open and a-closed. */
    static Set<ScenarioId> parseList(String text) {
        Set<ScenarioId> out = EnumSet.noneOf(ScenarioId.class);
        for (String part : text.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            switch (p) {
                case "" -> {}
                case "all" -> out.addAll(EnumSet.allOf(ScenarioId.class));
                case "a" -> {
                    out.add(A_OPEN);
                    out.add(A_CLOSED);
                }
                case "a-open", "a-closed", "b", "c", "d" -> out.add(of(p));
                default ->
                    throw new BenchOptions.UsageException(
                            "unknown scenario '" + part.strip() + "'; known: a, a-open, a-closed, b, c, d, all");
            }
        }
        if (out.isEmpty()) {
            throw new BenchOptions.UsageException("--scenario names no scenario");
        }
        return out;
    }

    private static ScenarioId of(String label) {
        for (ScenarioId id : values()) {
            if (id.label.equals(label)) {
                return id;
            }
        }
        throw new IllegalArgumentException(label);
    }
}
