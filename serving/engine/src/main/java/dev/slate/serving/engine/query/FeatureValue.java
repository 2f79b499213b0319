package dev.slate.serving.engine.query;

import dev.slate.serving.engine.exec.FeatureError;
import dev.slate.serving.model.FeatureId;
import java.time.Instant;

/**
 * One answered output of one row.
 *
 * @param pkey the key of the feature's entity for this row, when the query gave it
 * @param observedAt when the value was observed (store time for cache hits, query time otherwise)
 * @param resolver what produced it: a resolver name, {@code expression}, {@code input} or {@code ingested}
 * @param error why there is no value, or null
 */
public record FeatureValue(
        FeatureId feature,
        Object value,
        Object pkey,
        Instant observedAt,
        String resolver,
        boolean cacheHit,
        FeatureError error) {}
