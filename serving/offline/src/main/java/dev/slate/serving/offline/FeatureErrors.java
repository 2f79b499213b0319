package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What went wrong per feature in a recomputation: a recomputed value whose resolver failed, timed out, or
 * whose expression could not be evaluated is null in the dataset and counted here, with the first few
 * cases (spine row, error code, resolver, message). Kept in the job record and shown with the job and the
 * JSON result, so that a dataset with holes is never taken for a complete one.
 *
 * @param total failed (row, feature) values
 * @param rows spine rows with at least one failed value
 * @param features per feature with failures, in output order
 */
public record FeatureErrors(
        @JsonProperty("total") long total,
        @JsonProperty("rows") long rows,
        @JsonProperty("features") List<PerFeature> features) {

    /** Most examples kept per feature. */
    static final int MAX_SAMPLES = 5;

    public FeatureErrors {
        features = List.copyOf(features);
    }

    /** Failures of one output: how many rows, and the first {@value #MAX_SAMPLES}. */
    public record PerFeature(
            @JsonProperty("feature") String feature,
            @JsonProperty("count") long count,
            @JsonProperty("first") List<Sample> first) {
        public PerFeature {
            requireNonNull(feature, "feature is null");
            first = List.copyOf(first);
        }
    }

    /** One failed value: the spine row (0-based, in input order), the error code, the resolver (or null) and the message. */
    public record Sample(
            @JsonProperty("row") long row,
            @JsonProperty("code") String code,
            @JsonProperty("resolver") String resolver,
            @JsonProperty("message") String message) {
        public Sample {
            requireNonNull(code, "code is null");
            requireNonNull(message, "message is null");
        }
    }

    /** Collects failures while recomputations run; not thread-safe. */
    static final class Collector {
        private final Map<String, long[]> counts = new LinkedHashMap<>();
        private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
        private final BitSet failedRows = new BitSet();
        private long total;
        private long rows;

        Collector(List<String> features) {
            for (String f : features) {
                counts.put(f, new long[1]);
                samples.put(f, new ArrayList<>());
            }
        }

        /** Several passes (recomputed and derived outputs) may add to one collector, each in row order. */
        void add(long row, String feature, String code, String resolver, String message) {
            total++;
            if (!failedRows.get(Math.toIntExact(row))) {
                failedRows.set(Math.toIntExact(row));
                rows++;
            }
            counts.get(feature)[0]++;
            List<Sample> first = samples.get(feature);
            if (first.size() < MAX_SAMPLES) {
                first.add(new Sample(
                        row, code, resolver, message.length() > 500 ? message.substring(0, 497) + "..." : message));
            }
        }

        long total() {
            return total;
        }

        /** The summary, or null when nothing failed. */
        FeatureErrors result() {
            if (total == 0) {
                return null;
            }
            List<PerFeature> per = new ArrayList<>();
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                if (e.getValue()[0] > 0) {
                    per.add(new PerFeature(e.getKey(), e.getValue()[0], samples.get(e.getKey())));
                }
            }
            return new FeatureErrors(total, rows, per);
        }
    }
}
