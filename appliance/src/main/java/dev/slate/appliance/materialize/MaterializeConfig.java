package dev.slate.appliance.materialize;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The reverse-ETL schedule, {@code slate.offline.materialize-interval}: a duration ({@code 5m}, the default), or
 * {@code off} (also {@code 0s}) for no scheduled run. (A mapping of its own beside the offline store's
 * {@code slate.offline} settings.)
 */
@ConfigMapping(prefix = "slate.offline")
public interface MaterializeConfig {

    @WithDefault("5m")
    String materializeInterval();
}
