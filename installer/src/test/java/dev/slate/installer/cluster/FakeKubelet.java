package dev.slate.installer.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Stands in for the controllers and kubelets the mock API server does not have: every few milliseconds it writes
 * the status a healthy cluster would report (Deployments and StatefulSets ready, Jobs complete), except for the
 * objects {@code failing} selects, which get the status of a failed rollout (ProgressDeadlineExceeded) or a failed
 * Job. A status is written for the object's current generation of its spec only once: an object whose spec changed
 * (an apply) is first reported as not ready, then as ready, as a rollout would.
 */
final class FakeKubelet implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-kubelet");
        t.setDaemon(true);
        return t;
    });
    private volatile Predicate<HasMetadata> failing = o -> false;

    FakeKubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        timer.scheduleWithFixedDelay(this::tick, 0, 50, TimeUnit.MILLISECONDS);
    }

    void failing(Predicate<HasMetadata> which) {
        this.failing = Objects.requireNonNull(which);
    }

    private void tick() {
        try {
            for (Deployment d :
                    client.apps().deployments().inNamespace(namespace).list().getItems()) {
                int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                var status = failing.test(d)
                        ? new DeploymentStatusBuilder()
                                .withObservedGeneration(d.getMetadata().getGeneration())
                                .withReplicas(want)
                                .withReadyReplicas(0)
                                .withConditions(new DeploymentConditionBuilder()
                                        .withType("Progressing")
                                        .withStatus("False")
                                        .withReason("ProgressDeadlineExceeded")
                                        .withMessage("the new pods crash (schema migration failed)")
                                        .build())
                                .build()
                        : new DeploymentStatusBuilder()
                                .withObservedGeneration(d.getMetadata().getGeneration())
                                .withReplicas(want)
                                .withReadyReplicas(want)
                                .withAvailableReplicas(want)
                                .withUpdatedReplicas(want)
                                .build();
                if (!status.equals(d.getStatus())) {
                    d.setStatus(status);
                    client.apps()
                            .deployments()
                            .inNamespace(namespace)
                            .resource(d)
                            .updateStatus();
                }
            }
            for (StatefulSet s :
                    client.apps().statefulSets().inNamespace(namespace).list().getItems()) {
                int want = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
                var status = new StatefulSetStatusBuilder()
                        .withObservedGeneration(s.getMetadata().getGeneration())
                        .withReplicas(want)
                        .withReadyReplicas(want)
                        .build();
                if (!status.equals(s.getStatus())) {
                    s.setStatus(status);
                    client.apps()
                            .statefulSets()
                            .inNamespace(namespace)
                            .resource(s)
                            .updateStatus();
                }
            }
            for (Job j :
                    client.batch().v1().jobs().inNamespace(namespace).list().getItems()) {
                if (j.getStatus() != null
                        && (j.getStatus().getSucceeded() != null
                                || j.getStatus().getFailed() != null)) {
                    continue;
                }
                j.setStatus(
                        failing.test(j)
                                ? new JobStatusBuilder()
                                        .withFailed(1)
                                        .withConditions(new JobConditionBuilder()
                                                .withType("Failed")
                                                .withStatus("True")
                                                .withReason("BackoffLimitExceeded")
                                                .build())
                                        .build()
                                : new JobStatusBuilder()
                                        .withSucceeded(1)
                                        .withConditions(new JobConditionBuilder()
                                                .withType("Complete")
                                                .withStatus("True")
                                                .build())
                                        .build());
                client.batch().v1().jobs().inNamespace(namespace).resource(j).updateStatus();
            }
        } catch (KubernetesClientException e) {
            // a concurrent write (409) or a deleted object: the next tick sees the new state
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
