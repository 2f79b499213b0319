package dev.slate.control.env;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of environments ({@code slate.environments.*}, docs/environments.md). */
@ConfigMapping(prefix = "slate.environments")
public interface EnvironmentsConfig {

    /**
     * Whether a deployment to an environment that does not exist creates it (with default settings). On by
     * default (development, tests, the demo); the production profile turns it off, so environments there are
     * created on purpose ({@code POST /v1/environments}, {@code slate env create}).
     */
    @WithDefault("true")
    boolean createOnDeploy();

    /** The largest number of serving replicas (or autoscaling upper bound) an environment may ask for. */
    @WithDefault("20")
    int maxReplicas();
}
