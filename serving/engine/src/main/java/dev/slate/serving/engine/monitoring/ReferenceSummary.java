package dev.slate.serving.engine.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * One feature's values in a reference dataset (docs/operations.md, "Drift"), summarized: numbers as a grid of
 * quantiles (from a KLL sketch of them),
 * anything else as the counts of its most frequent values (the rest counts as {@code other} through {@code total}).
 *
 * @param total non-null values
 * @param nulls null values
 * @param numeric the values' quantiles, for a numeric feature
 * @param counts the most frequent values and their counts, for any other feature (empty for a numeric one)
 */
public record ReferenceSummary(
        String feature, long total, long nulls, Optional<QuantileGrid> numeric, Map<String, Long> counts) {

    public ReferenceSummary {
        requireNonNull(feature, "feature is null");
        requireNonNull(numeric, "numeric is null");
        counts = Map.copyOf(counts);
    }

    public boolean isNumeric() {
        return numeric.isPresent();
    }

    /** Builds a summary from values one at a time. */
    public static final class Builder {
        private final String feature;
        private final boolean numeric;
        private final int topValues;
        private final KllDoublesSketch sketch;
        private final Map<String, Long> counts = new HashMap<>();
        private long total;
        private long nulls;

        /**
         * @param numeric whether the feature is a number (int or float)
         * @param topValues most distinct values a categorical summary keeps
         */
        public Builder(String feature, boolean numeric, int topValues) {
            this.feature = requireNonNull(feature, "feature is null");
            this.numeric = numeric;
            this.topValues = topValues;
            this.sketch = numeric ? KllDoublesSketch.newHeapInstance(FeatureStatistics.KLL_K) : null;
        }

        /** One value (null, a number for a numeric feature, anything else by its text). */
        public void add(Object value) {
            if (value == null) {
                nulls++;
                return;
            }
            if (numeric) {
                double d = value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString());
                if (Double.isNaN(d)) {
                    nulls++;
                    return;
                }
                sketch.update(d);
            } else {
                counts.merge(value.toString(), 1L, Long::sum);
            }
            total++;
        }

        public ReferenceSummary build() {
            if (numeric) {
                return new ReferenceSummary(
                        feature,
                        total,
                        nulls,
                        total == 0 ? Optional.empty() : Optional.of(QuantileGrid.of(sketch)),
                        Map.of());
            }
            Map<String, Long> top = new LinkedHashMap<>();
            List<Map.Entry<String, Long>> sorted = counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(topValues)
                    .toList();
            sorted.forEach(e -> top.put(e.getKey(), e.getValue()));
            return new ReferenceSummary(feature, total, nulls, Optional.empty(), top);
        }
    }
}
