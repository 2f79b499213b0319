package dev.slate.appliance.monitoring;

import dev.slate.serving.engine.monitoring.FeatureStatistics;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The replica's feature-value statistics (docs/operations.md, "Feature-value monitoring"). */
@Singleton
class FeatureMonitoringBeans {

    @Produces
    @Singleton
    FeatureStatistics featureStatistics(MonitoringConfig config) {
        return new FeatureStatistics(Clock.systemUTC(), config.maxFeatures());
    }
}
