package dev.slate.appliance.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds on metric labels, prefix {@code slate.metrics} (docs/operations.md, "Metrics"). */
@ConfigMapping(prefix = "slate.metrics")
public interface MetricsConfig {

    /**
     * Most distinct {@code query_name} label values per environment; later names are counted as
     * {@code other}. A query without a name is {@code adhoc}.
     */
    @WithDefault("100")
    int maxQueryNames();

    /** Most features with series of their own ({@code feature} label) per environment; later ones are {@code other}. */
    @WithDefault("2000")
    int maxFeatures();
}
