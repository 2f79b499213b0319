package dev.slate.serving.engine.ingest;

import dev.slate.serving.model.graph.FeatureNode;
import java.time.Instant;

/** One validated value of an ingest request: the feature, the entity key it belongs to, the value (canonical), when observed. */
record IngestedValue(FeatureNode feature, Object key, Object value, Instant observedAt) {}
