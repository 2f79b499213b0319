package dev.slate.appliance.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Identity and access settings ({@code slate.auth.*}); see docs/security.md. */
@ConfigMapping(prefix = "slate.auth")
public interface AuthConfig {

    /**
     * Whether {@code /v1/*} needs a token and a permission. {@code false} is for benchmarks and local
     * experiments only: every caller is then treated as an administrator cleared for every tag.
     */
    @WithDefault("true")
    boolean enabled();

    /** The realm URL, the {@code iss} of every accepted token ({@code http://127.0.0.1:18080/realms/slate}). */
    String issuer();

    /** {@code permit} (default) or {@code authenticated}: who may read {@code /q/metrics}. */
    @WithDefault("permit")
    String metricsPolicy();

    /** How long role bindings are served from memory before they are re-read from PostgreSQL (in the background). */
    @WithDefault("2s")
    Duration bindingsCacheTtl();
}
