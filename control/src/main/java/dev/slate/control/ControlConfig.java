package dev.slate.control;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the metadata plane ({@code slate.control.*}). */
@ConfigMapping(prefix = "slate.control")
public interface ControlConfig {

    /**
     * How often each replica reads the environments table to pick up activations made by other
     * replicas. Activations made through this replica are published at once, without waiting.
     */
    @WithDefault("2s")
    Duration pollInterval();
}
