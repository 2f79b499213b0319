package dev.slate.appliance.offline;

import dev.slate.serving.engine.query.ComputedValues;
import dev.slate.serving.engine.query.ComputedValuesListener;
import dev.slate.serving.featurelog.FeatureLog;
import dev.slate.storage.spi.FeatureSlot;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;

/** Connects online queries to the feature log: every computed value goes to the offline store, off the response path. */
@Singleton
class FeatureLogRecorder {

    @Produces
    @Singleton
    ComputedValuesListener computedValuesListener(Optional<FeatureLog> log) {
        if (log.isEmpty()) {
            return ComputedValuesListener.NONE;
        }
        FeatureLog featureLog = log.get();
        // encoded here, on the request thread, into off-heap records: nothing of the query stays on the heap
        // (docs/specs/feature-log.md)
        return values -> featureLog.offer(
                values.environment(),
                values.deploymentId(),
                values.queryId(),
                block -> values.writeTo(new ComputedValues.Sink() {
                    @Override
                    public int feature(String entity, FeatureSlot slot, String resolver) {
                        return block.feature(entity, slot, resolver);
                    }

                    @Override
                    public void value(int feature, Object key, Object value, Instant observedAt) {
                        block.value(feature, key, value, observedAt);
                    }
                }));
    }
}
