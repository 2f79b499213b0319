package dev.slate.control.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Makes the Kubernetes client of cluster mode; never called in standalone mode. */
public interface KubernetesClients {

    KubernetesClient create();

    /**
     * The in-cluster (or kubeconfig) client, with short timeouts and no retries of its own: the reconciler
     * retries with its own backoff, so a slow or down API server never blocks it for long.
     */
    static KubernetesClient fromEnvironment() {
        Config config = new ConfigBuilder(Config.autoConfigure(null))
                .withConnectionTimeout(5_000)
                .withRequestTimeout(10_000)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
