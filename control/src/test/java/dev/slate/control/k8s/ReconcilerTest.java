package dev.slate.control.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.control.env.EnvironmentCondition;
import dev.slate.control.env.EnvironmentStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against the Fabric8 mock API server in CRUD mode (a real HTTP server keeping objects in memory),
 * driven with explicit instants. What the mock cannot show: it keeps no managedFields, so a server-side apply
 * never answers 409 by itself, and it removes no objects with their namespace (see docs/environments.md).
 */
class ReconcilerTest {
    private static final Duration RESYNC = Duration.ofSeconds(30);
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

    private KubernetesMockServer server;
    private KubernetesClient client;
    private InMemoryEnvironments environments;
    private Reconciler reconciler;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        environments = new InMemoryEnvironments();
        reconciler = new Reconciler(
                client, TestEnvironments.SETTINGS, environments, environments, BACKOFF, RESYNC, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void createsEveryObjectWithTheDesiredSpecAndRecordsStatus() {
        environments.put(TestEnvironments.fixed("qa", 2, 1));
        List<Reconciler.Outcome> outcomes = reconciler.runDue(T0);

        assertThat(outcomes).singleElement().isInstanceOf(Reconciler.Outcome.Applied.class);
        for (HasMetadata desired : DesiredObjects.all(environments.get("qa"), TestEnvironments.SETTINGS)) {
            HasMetadata actual = client.resource(desired).get();
            assertThat(actual).as(desired.getKind()).isNotNull();
            assertThat(actual.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", "slate")
                    .containsEntry("slate.dev/environment", "qa");
        }
        Deployment deployment = deployment("qa");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo(TestEnvironments.SETTINGS.imageReference());
        assertThat(client.configMaps()
                        .inNamespace("slate-qa")
                        .withName("slate-serving")
                        .get()
                        .getData())
                .containsEntry("SLATE_ACTIVE_DEPLOYMENT_ID", TestEnvironments.ACTIVE.toString());
        assertThat(client.autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace("slate-qa")
                        .list()
                        .getItems())
                .isEmpty();

        EnvironmentStatus status = environments.get("qa").status();
        assertThat(status.observedGeneration()).contains(1L);
        assertThat(status.readyReplicas()).contains(0);
        assertThat(status.condition("Reconciled"))
                .get()
                .extracting(EnvironmentCondition::status)
                .isEqualTo("True");
        assertThat(status.condition("Ready"))
                .get()
                .extracting(EnvironmentCondition::status)
                .isEqualTo("False");

        // the serving replicas become ready: the next reconciliation records it
        client.apps()
                .deployments()
                .inNamespace("slate-qa")
                .resource(new DeploymentBuilder(deployment("qa"))
                        .withNewStatus()
                        .withReadyReplicas(2)
                        .withReplicas(2)
                        .endStatus()
                        .build())
                .updateStatus();
        reconciler.observed(deployment("qa"), false);
        assertThat(reconciler.isRequested("qa")).isTrue();
        reconciler.runDue(T0.plusSeconds(1));
        assertThat(environments.get("qa").status().readyReplicas()).contains(2);
        assertThat(environments.get("qa").status().condition("Ready"))
                .get()
                .extracting(EnvironmentCondition::status)
                .isEqualTo("True");
    }

    @Test
    void correctsDriftAtTheResyncAndOnAWatchEvent() {
        environments.put(TestEnvironments.fixed("qa", 2, 1));
        reconciler.runDue(T0);

        // someone scales by hand: the resync puts it back
        client.apps()
                .deployments()
                .inNamespace("slate-qa")
                .withName("slate-serving")
                .edit(d -> new DeploymentBuilder(d)
                        .editSpec()
                        .withReplicas(7)
                        .endSpec()
                        .build());
        assertThat(reconciler.runDue(T0.plusSeconds(10))).isEmpty(); // nothing due before the resync
        reconciler.runDue(T0.plus(RESYNC));
        assertThat(deployment("qa").getSpec().getReplicas()).isEqualTo(2);

        // ... and a watch event asks for a reconciliation at once; the reconciler's own apply does not
        client.apps()
                .deployments()
                .inNamespace("slate-qa")
                .withName("slate-serving")
                .edit(d -> new DeploymentBuilder(d)
                        .editSpec()
                        .withReplicas(5)
                        .endSpec()
                        .build());
        reconciler.observed(deployment("qa"), false);
        assertThat(reconciler.isRequested("qa")).isTrue();
        assertThat(reconciler.runDue(T0.plus(RESYNC).plusSeconds(1)))
                .singleElement()
                .isInstanceOf(Reconciler.Outcome.Applied.class);
        assertThat(deployment("qa").getSpec().getReplicas()).isEqualTo(2);
        reconciler.observed(deployment("qa"), false);
        assertThat(reconciler.isRequested("qa")).isFalse();

        // a deleted object comes back
        client.services().inNamespace("slate-qa").withName("slate-serving").delete();
        client.apps()
                .deployments()
                .inNamespace("slate-qa")
                .withName("slate-serving")
                .delete();
        reconciler.observed(
                new DeploymentBuilder()
                        .withNewMetadata()
                        .addToLabels("slate.dev/environment", "qa")
                        .endMetadata()
                        .build(),
                true);
        reconciler.runDue(T0.plus(RESYNC).plusSeconds(2));
        assertThat(deployment("qa")).isNotNull();
        assertThat(client.services()
                        .inNamespace("slate-qa")
                        .withName("slate-serving")
                        .get())
                .isNotNull();
    }

    @Test
    void anotherFieldManagersChangeIsOverwritten() {
        environments.put(TestEnvironments.fixed("qa", 2, 1));
        reconciler.runDue(T0);
        // (the mock keeps no managedFields: the change is a patch under another manager's name, not an apply conflict)
        Deployment theirs = new DeploymentBuilder()
                .withNewMetadata()
                .withName("slate-serving")
                .withNamespace("slate-qa")
                .endMetadata()
                .withNewSpec()
                .withReplicas(9)
                .endSpec()
                .build();
        client.apps()
                .deployments()
                .inNamespace("slate-qa")
                .withName("slate-serving")
                .patch(
                        new PatchContext.Builder()
                                .withPatchType(PatchType.JSON_MERGE)
                                .withFieldManager("kubectl")
                                .build(),
                        theirs);
        assertThat(deployment("qa").getSpec().getReplicas()).isEqualTo(9);

        reconciler.request("qa");
        reconciler.runDue(T0.plusSeconds(1));
        assertThat(deployment("qa").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void scalesUpdatesAndSwitchesToAutoscaling() {
        environments.put(TestEnvironments.fixed("qa", 2, 1));
        reconciler.runDue(T0);
        environments.put(TestEnvironments.fixed("qa", 4, 2));
        reconciler.request("qa");
        reconciler.runDue(T0.plusSeconds(1));
        assertThat(deployment("qa").getSpec().getReplicas()).isEqualTo(4);
        assertThat(deployment("qa").getMetadata().getAnnotations()).containsEntry("slate.dev/generation", "2");
        assertThat(environments.get("qa").status().observedGeneration()).contains(2L);

        environments.put(TestEnvironments.autoscaled("qa", 2, 6, 3));
        reconciler.request("qa");
        reconciler.runDue(T0.plusSeconds(2));
        var hpa = client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace("slate-qa")
                .withName("slate-serving")
                .get();
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);

        environments.put(TestEnvironments.fixed("qa", 3, 4));
        reconciler.request("qa");
        reconciler.runDue(T0.plusSeconds(3));
        assertThat(client.autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace("slate-qa")
                        .withName("slate-serving")
                        .get())
                .isNull();
        assertThat(deployment("qa").getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void aDeletedEnvironmentLeavesNothingInTheClusterAndOthersAreKept() {
        environments.put(TestEnvironments.fixed("qa", 2, 1));
        environments.put(TestEnvironments.autoscaled("prod", 2, 6, 1));
        reconciler.runDue(T0);
        assertThat(client.namespaces()
                        .withLabel("app.kubernetes.io/managed-by", "slate")
                        .list()
                        .getItems())
                .hasSize(2);

        environments.remove("prod");
        List<Reconciler.Outcome> outcomes = reconciler.runDue(T0.plus(RESYNC)); // the resync finds the orphan namespace
        assertThat(outcomes).anySatisfy(o -> assertThat(o).isEqualTo(new Reconciler.Outcome.Removed("prod", 1)));

        assertThat(client.namespaces().withName("slate-prod").get()).isNull();
        assertThat(client.apps().deployments().inNamespace("slate-prod").list().getItems())
                .isEmpty();
        assertThat(client.services().inNamespace("slate-prod").list().getItems())
                .isEmpty();
        assertThat(client.configMaps().inNamespace("slate-prod").list().getItems())
                .isEmpty();
        assertThat(client.autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace("slate-prod")
                        .list()
                        .getItems())
                .isEmpty();
        assertThat(client.policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace("slate-prod")
                        .list()
                        .getItems())
                .isEmpty();
        assertThat(client.network()
                        .v1()
                        .networkPolicies()
                        .inNamespace("slate-prod")
                        .list()
                        .getItems())
                .isEmpty();
        assertThat(deployment("qa")).isNotNull();
    }

    @Test
    void anUnreachableApiServerIsRetriedWithBackoffAndNeverThrows() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (KubernetesClient down = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + closedPort)
                        .withRequestRetryBackoffLimit(0)
                        .withConnectionTimeout(1000)
                        .withRequestTimeout(1000)
                        .build())
                .build()) {
            Reconciler offline = new Reconciler(
                    down, TestEnvironments.SETTINGS, environments, environments, BACKOFF, RESYNC, Clock.systemUTC());
            environments.put(TestEnvironments.fixed("qa", 2, 1));

            Map<Instant, Integer> attempts = new HashMap<>();
            Instant t = T0;
            int failures = 0;
            // 2 minutes in steps of 250 ms: the reconciler tries after 0, 1, 2, 4, 8, 16, 32 s and then every 60 s
            for (int step = 0; step <= 480; step++) {
                for (Reconciler.Outcome outcome : offline.runDue(t)) {
                    assertThat(outcome).isInstanceOf(Reconciler.Outcome.Failed.class);
                    assertThat(((Reconciler.Outcome.Failed) outcome).reason()).isEqualTo("ApiUnavailable");
                    attempts.put(t, ++failures);
                }
                t = t.plusMillis(250);
            }
            assertThat(failures).isBetween(7, 9);
            assertThat(attempts.keySet().stream()
                            .sorted()
                            .map(i -> Duration.between(T0, i).toMillis())
                            .toList())
                    .startsWith(0L, 1000L, 3000L, 7000L, 15000L, 31000L, 63000L);
            EnvironmentStatus status = environments.get("qa").status();
            assertThat(status.condition("Reconciled")).get().satisfies(c -> {
                assertThat(c.status()).isEqualTo("False");
                assertThat(c.reason()).isEqualTo("ApiUnavailable");
            });
            assertThat(status.observedGeneration()).isEmpty();
        }
    }

    @Test
    void aConflictAnswerIsRecordedAndRetriedWithBackoff() throws InterruptedException {
        KubernetesMockServer strict = new KubernetesMockServer(false);
        strict.init();
        try (KubernetesClient strictClient = strict.createClient()) {
            strict.expect()
                    .patch()
                    .withPath("/api/v1/namespaces/slate-qa?fieldManager=slate-control&force=true")
                    .andReturn(
                            409,
                            Map.of(
                                    "kind",
                                    "Status",
                                    "apiVersion",
                                    "v1",
                                    "status",
                                    "Failure",
                                    "reason",
                                    "Conflict",
                                    "code",
                                    409,
                                    "message",
                                    "Apply failed with 1 conflict: conflict with \"kubectl\""))
                    .always();
            Reconciler r = new Reconciler(
                    strictClient,
                    TestEnvironments.SETTINGS,
                    environments,
                    environments,
                    BACKOFF,
                    RESYNC,
                    Clock.systemUTC());
            environments.put(TestEnvironments.fixed("qa", 2, 1));
            Reconciler.Outcome outcome = r.reconcile("qa", T0);
            assertThat(outcome).isEqualTo(new Reconciler.Outcome.Failed("qa", "Conflict", Duration.ofSeconds(1)));
            // what a real API server receives: a server-side apply under Slate's field manager, forcing conflicts
            var request = strict.getLastRequest();
            assertThat(request.getMethod()).isEqualTo("PATCH");
            assertThat(request.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
            assertThat(request.getPath()).contains("fieldManager=slate-control").contains("force=true");
            assertThat(environments.get("qa").status().condition("Reconciled"))
                    .get()
                    .extracting(EnvironmentCondition::reason)
                    .isEqualTo("Conflict");
            assertThat(r.reconcile("qa", T0.plusSeconds(1)))
                    .isEqualTo(new Reconciler.Outcome.Failed("qa", "Conflict", Duration.ofSeconds(2)));
        } finally {
            strict.destroy();
        }
    }

    @Test
    void backoffDoublesUpToItsLimit() {
        assertThat(List.of(1, 2, 3, 4, 7, 8, 40).stream()
                        .map(BACKOFF::after)
                        .map(Duration::toSeconds)
                        .toList())
                .containsExactly(1L, 2L, 4L, 8L, 60L, 60L, 60L);
    }

    private Deployment deployment(String env) {
        return client.apps()
                .deployments()
                .inNamespace("slate-" + env)
                .withName("slate-serving")
                .get();
    }
}
