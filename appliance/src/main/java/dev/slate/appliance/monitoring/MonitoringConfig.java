package dev.slate.appliance.monitoring;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Feature-value monitoring, prefix {@code slate.monitoring} (docs/operations.md, "Feature-value monitoring"). */
@ConfigMapping(prefix = "slate.monitoring")
public interface MonitoringConfig {

    /** Whether this replica keeps feature-value statistics (from the feature log) at all. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Most features per environment with statistics (and series of their own): bounds memory (about 100 KB per
     * feature) and the {@code feature} label; later features are not tracked and counted in {@code
     * slate_feature_stats_untracked_total}.
     */
    @WithDefault("500")
    int maxFeatures();

    /** How often features that got values and new references get their series of {@code /q/metrics}. */
    @WithDefault("10s")
    Duration refreshInterval();

    /** Most distinct values a categorical reference keeps per feature (the rest is one bin, {@code other}). */
    @WithDefault("50")
    int referenceTopValues();

    /** Most rows of an offline job's result read into a reference. */
    @WithDefault("1000000")
    long referenceMaxRows();
}
