package dev.slate.serving.engine.monitoring;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The statistics of one feature's values in one environment over one window (docs/operations.md, "Feature-value
 * monitoring"): what the feature log saw computed, and the age of values served from the online store.
 *
 * @param count values computed in the window (nulls included)
 * @param nulls of them null
 * @param numeric for numeric features: min, max, mean and approximate quantiles (KLL); empty otherwise or without
 *     values
 * @param distinct approximate number of distinct non-null values (HLL)
 * @param topValues for non-numeric features, the most frequent values with their approximate counts (at most 10)
 * @param freshness the age of values served from the online store in the window
 */
public record FeatureValueStats(
        String environment,
        String feature,
        StatsWindow window,
        Instant from,
        Instant until,
        long count,
        long nulls,
        Optional<Numeric> numeric,
        double distinct,
        List<Map.Entry<String, Long>> topValues,
        Freshness freshness) {

    public FeatureValueStats {
        requireNonNull(environment, "environment is null");
        requireNonNull(feature, "feature is null");
        requireNonNull(window, "window is null");
        requireNonNull(numeric, "numeric is null");
        topValues = List.copyOf(topValues);
        requireNonNull(freshness, "freshness is null");
    }

    /** Share of null values; empty without values. */
    public OptionalDouble nullRatio() {
        return count == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) nulls / count);
    }

    /** Quantiles reported, as ranks. */
    public static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

    /**
     * @param quantiles the values at {@link #QUANTILES}, in that order
     */
    public record Numeric(long count, double min, double max, double mean, double[] quantiles) {
        public Numeric {
            quantiles = quantiles.clone();
        }

        @Override
        public double[] quantiles() {
            return quantiles.clone();
        }

        public double quantile(double rank) {
            for (int i = 0; i < QUANTILES.length; i++) {
                if (QUANTILES[i] == rank) {
                    return quantiles[i];
                }
            }
            throw new IllegalArgumentException("not a reported quantile: " + rank);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Numeric n
                    && n.count == count
                    && Double.compare(n.min, min) == 0
                    && Double.compare(n.max, max) == 0
                    && Double.compare(n.mean, mean) == 0
                    && Arrays.equals(n.quantiles, quantiles);
        }

        @Override
        public int hashCode() {
            return Objects.hash(count, min, max, mean, Arrays.hashCode(quantiles));
        }

        @Override
        public String toString() {
            return "Numeric[count=" + count + ", min=" + min + ", max=" + max + ", mean=" + mean + ", quantiles="
                    + Arrays.toString(quantiles) + "]";
        }
    }

    /**
     * @param served values served from the online store in the window
     * @param meanAgeSeconds their mean age at serve time (empty when none was served)
     * @param maxAgeSeconds the oldest (empty when none was served)
     */
    public record Freshness(long served, OptionalDouble meanAgeSeconds, OptionalDouble maxAgeSeconds) {}
}
