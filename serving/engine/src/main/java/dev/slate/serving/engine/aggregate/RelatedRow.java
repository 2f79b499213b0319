package dev.slate.serving.engine.aggregate;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import java.time.Instant;
import java.util.Map;

/**
 * One row of a related entity as aggregations see it: its event time and its feature values (canonical
 * representation).
 *
 * @param time the event time; a row without one is in no window
 */
public record RelatedRow(Instant time, Map<FeatureId, Object> values) {
    public RelatedRow {
        requireNonNull(values, "values is null");
    }
}
