package dev.slate.control.k8s;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Cluster mode ({@code slate.cluster.*}, docs/environments.md): the metadata plane runs each environment's
 * serving replicas as Kubernetes objects. Off by default (standalone: one process serves every environment
 * and nothing talks to a Kubernetes API server).
 */
@ConfigMapping(prefix = "slate.cluster")
public interface ClusterConfig {

    /** Whether the reconciler runs. When false, no Kubernetes client is ever created. */
    @WithDefault("false")
    boolean enabled();

    /** The serving image (repository and tag) of the installed bundle. */
    @WithDefault("slate/appliance:latest")
    String image();

    /** The image's digest ({@code sha256:…}) from the installed bundle; when set, pods pull by digest. */
    Optional<String> imageDigest();

    /** Each environment's Kubernetes namespace is this prefix plus the environment's name. */
    @WithDefault("slate-")
    String namespacePrefix();

    /** The namespace the metadata plane runs in: the only one (besides the environment's own) its NetworkPolicy admits. */
    @WithDefault("slate-system")
    String controlNamespace();

    /** The HTTP port of a serving replica. */
    @WithDefault("8080")
    int servingPort();

    /** Autoscaled environments: the average CPU utilization the HorizontalPodAutoscaler aims for, in percent. */
    @WithDefault("70")
    int targetCpuPercent();

    /** How often every environment is reconciled even without a change or watch event (drift correction). */
    @WithDefault("30s")
    Duration resyncPeriod();

    /** The first wait after a failed reconciliation of an environment; doubled per failure up to {@link #maxBackoff()}. */
    @WithDefault("1s")
    Duration initialBackoff();

    @WithDefault("60s")
    Duration maxBackoff();
}
