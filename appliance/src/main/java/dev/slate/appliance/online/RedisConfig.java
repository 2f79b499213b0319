package dev.slate.appliance.online;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** Online store settings, prefix {@code slate.redis}. */
@ConfigMapping(prefix = "slate.redis")
public interface RedisConfig {

    /** One URL for a standalone server; for a cluster, seed node URLs. */
    List<String> url();

    /** {@code standalone} or {@code cluster}. */
    @WithDefault("standalone")
    String clientType();

    @WithDefault("8")
    int poolSize();

    @WithDefault("slate")
    String keyPrefix();
}
