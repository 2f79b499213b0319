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

    /**
     * The highest logical database an environment may choose for its online values (docs/environments.md,
     * "Namespaces"): the server's {@code databases} setting minus one (16 databases by default). Ignored in cluster
     * mode, where Redis has database 0 only and no environment may choose one.
     */
    @WithDefault("15")
    int maxDatabase();
}
