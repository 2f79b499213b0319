package dev.slate.control.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.control.env.EnvironmentChanged;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reconciler's lifecycle: nothing at all in standalone mode; in cluster mode, a running loop that follows watch events. */
class ClusterReconciliationTest {
    private KubernetesMockServer server;
    private final AtomicInteger clientsCreated = new AtomicInteger();
    private final InMemoryEnvironments environments = new InMemoryEnvironments();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
    }

    @AfterEach
    void stop() {
        server.destroy();
    }

    private KubernetesClients countingClients() {
        return () -> {
            clientsCreated.incrementAndGet();
            return server.createClient();
        };
    }

    @Test
    void standaloneModeCreatesNoClientAndSendsNoRequest() {
        environments.put(TestEnvironments.fixed("qa", 2, 1));
        ClusterReconciliation reconciliation = new ClusterReconciliation(
                config(false, Duration.ofMillis(1)), environments, environments, countingClients());
        reconciliation.start();
        reconciliation.onChanged(new EnvironmentChanged("qa", false));
        reconciliation.onChanged(new EnvironmentChanged("qa", true));
        reconciliation.stop();

        assertThat(reconciliation.reconciler()).isEmpty();
        assertThat(clientsCreated).hasValue(0);
        assertThat(server.getRequestCount()).isZero();
        assertThat(environments.statusWrites).hasValue(0);
    }

    @Test
    void clusterModeReconcilesAndRepairsDriftFromAWatchEvent() {
        environments.put(TestEnvironments.fixed("qa", 2, 1));
        // a resync period far away: only the watch can bring the drift repair below
        ClusterReconciliation reconciliation = new ClusterReconciliation(
                config(true, Duration.ofHours(1)), environments, environments, countingClients());
        reconciliation.start();
        try (KubernetesClient client = server.createClient()) {
            await(() -> deployment(client) != null
                    && environments.get("qa").status().observedGeneration().isPresent());
            assertThat(clientsCreated).hasValue(1);

            client.apps()
                    .deployments()
                    .inNamespace("slate-qa")
                    .withName("slate-serving")
                    .edit(d -> new DeploymentBuilder(d)
                            .editSpec()
                            .withReplicas(6)
                            .endSpec()
                            .build());
            await(() -> Integer.valueOf(2).equals(deployment(client).getSpec().getReplicas()));
        } finally {
            reconciliation.stop();
        }
    }

    private static Deployment deployment(KubernetesClient client) {
        return client.apps()
                .deployments()
                .inNamespace("slate-qa")
                .withName("slate-serving")
                .get();
    }

    /** Polls a condition (the loop runs on its own thread) for at most 30 s. */
    private static void await(BooleanSupplier condition) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    private static ClusterConfig config(boolean enabled, Duration resync) {
        return new ClusterConfig() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public String image() {
                return TestEnvironments.SETTINGS.image();
            }

            @Override
            public Optional<String> imageDigest() {
                return TestEnvironments.SETTINGS.imageDigest();
            }

            @Override
            public String namespacePrefix() {
                return "slate-";
            }

            @Override
            public String controlNamespace() {
                return "slate-system";
            }

            @Override
            public int servingPort() {
                return 8080;
            }

            @Override
            public int targetCpuPercent() {
                return 70;
            }

            @Override
            public Duration resyncPeriod() {
                return resync;
            }

            @Override
            public Duration initialBackoff() {
                return Duration.ofMillis(100);
            }

            @Override
            public Duration maxBackoff() {
                return Duration.ofSeconds(1);
            }
        };
    }
}
