package dev.slate.appliance.offline;

import dev.slate.engine.query.ComputedValues;
import dev.slate.engine.query.ComputedValuesListener;
import dev.slate.featurelog.FeatureLog;
import dev.slate.featurelog.LogBatch;
import dev.slate.storage.spi.offline.ObservedValue;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.function.Consumer;

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
        return values -> {
            if (values.size() > 0) {
                featureLog.offer(new Batch(values));
            }
        };
    }

    /** A lazy view: the observations are built on the spool's writer thread. */
    private record Batch(ComputedValues values) implements LogBatch {
        @Override
        public int size() {
            return values.size();
        }

        @Override
        public void forEach(Consumer<ObservedValue> sink) {
            values.forEach(sink);
        }
    }
}
