package dev.slate.appliance.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Health check settings, prefix {@code slate.health} (docs/operations.md, "Health"). */
@ConfigMapping(prefix = "slate.health")
public interface HealthConfig {

    /**
     * How long each dependency check may take before it reports DOWN with "no answer within ...". Each
     * check has this bound of its own, so {@code /q/health/*} answers within it even when a dependency
     * hangs.
     */
    @WithDefault("500ms")
    Duration checkTimeout();

    /** How often the dependencies are probed in the background for {@code slate_dependency_up}. */
    @WithDefault("5s")
    Duration probeInterval();
}
