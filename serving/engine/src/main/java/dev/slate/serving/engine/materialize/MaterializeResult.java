package dev.slate.serving.engine.materialize;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one reverse-ETL run loaded into the online store.
 *
 * @param asOf the time values were taken at: each is the latest offline observation at or before it, within
 *     the feature's {@code max_staleness}
 * @param features per feature, in project order
 * @param values values written to the online store (a value older than the one already online is written but
 *     does not replace it)
 */
public record MaterializeResult(
        String environment, String deploymentId, Instant asOf, List<FeatureLoad> features, long values, Duration took) {

    public MaterializeResult {
        requireNonNull(environment, "environment is null");
        requireNonNull(deploymentId, "deploymentId is null");
        requireNonNull(asOf, "asOf is null");
        features = List.copyOf(features);
        requireNonNull(took, "took is null");
    }

    /**
     * One feature of a run.
     *
     * @param feature qualified name, e.g. {@code user.credit_score}
     * @param incremental true when only offline data added since the previous run was read
     * @param values values written for it
     */
    public record FeatureLoad(String feature, String version, boolean incremental, long values) {
        public FeatureLoad {
            requireNonNull(feature, "feature is null");
            requireNonNull(version, "version is null");
        }
    }
}
