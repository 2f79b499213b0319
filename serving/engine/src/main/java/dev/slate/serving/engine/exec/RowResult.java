package dev.slate.serving.engine.exec;

import java.time.Instant;

/**
 * The outcome of one row of a query, indexed by plan slot. Arrays are owned by the result once
 * execution completes; callers must not modify them.
 *
 * @param values value per slot (canonical representation), null when absent or failed
 * @param errors error per slot, null when none
 * @param cacheHit whether the slot's value came from the online store
 * @param observedAt when the slot's value was observed (store time for cache hits, query time otherwise)
 */
public record RowResult(Object[] values, FeatureError[] errors, boolean[] cacheHit, Instant[] observedAt) {}
