package dev.slate.installer.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.installer.cluster.AppliedObject.Method;
import dev.slate.installer.cluster.AppliedObject.Outcome;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The installer's cluster path against the Fabric8 mock API server in CRUD mode (there is no real API
 * server here): every object the chart renders for each values profile is applied and read back.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterApplierTest {
    KubernetesMockServer server;
    KubernetesClient client;

    private final Manifests manifests = new Manifests();

    @ParameterizedTest
    @ValueSource(strings = {"minimal", "external-databases", "ha"})
    void appliesEveryRenderedObjectAndReadsItBack(String profile) {
        List<HasMetadata> objects = manifests.parse(RenderedChart.render(profile));

        List<AppliedObject> applied = new ClusterApplier(client).apply(objects, RenderedChart.NAMESPACE);

        // the mock answers an apply patch with 415 (no server-side apply): the applier creates instead
        assertThat(applied).hasSameSizeAs(objects).allSatisfy(a -> {
            assertThat(a.outcome()).isEqualTo(Outcome.CREATED);
            assertThat(a.method()).isEqualTo(Method.CREATE);
        });
        for (HasMetadata object : objects) {
            String namespace = object.getMetadata().getNamespace() != null
                    ? object.getMetadata().getNamespace()
                    : RenderedChart.NAMESPACE;
            HasMetadata live = client.resource(object).inNamespace(namespace).get();
            assertThat(live)
                    .as("%s %s", object.getKind(), object.getMetadata().getName())
                    .isNotNull();
            assertThat(live.getMetadata().getLabels())
                    .containsAllEntriesOf(object.getMetadata().getLabels());
        }
    }

    @Test
    void applyingTheSameRenderingAgainChangesNothing() {
        List<HasMetadata> objects = manifests.parse(RenderedChart.render("ha"));
        ClusterApplier applier = new ClusterApplier(client);
        Map<ObjectRef, HasMetadata> first = byRef(applier.apply(objects, RenderedChart.NAMESPACE));

        List<AppliedObject> second = applier.apply(objects, RenderedChart.NAMESPACE);

        assertThat(second).hasSize(first.size());
        for (AppliedObject again : second) {
            // generated credentials are create-only (KEPT); everything else was already as rendered
            Outcome expected = again.ref().kind().equals("Secret") ? Outcome.KEPT : Outcome.UNCHANGED;
            assertThat(again.outcome()).as("%s", again.ref()).isEqualTo(expected);
            assertThat(again.method()).as("%s", again.ref()).isEqualTo(Method.NONE);
            HasMetadata before = first.get(again.ref());
            assertThat(again.live().getMetadata().getResourceVersion())
                    .as("%s", again.ref())
                    .isEqualTo(before.getMetadata().getResourceVersion());
            assertThat(specOf(again.live()).equals(specOf(before)))
                    .as("%s unchanged", again.ref())
                    .isTrue();
        }
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(RenderedChart.NAMESPACE)
                        .list()
                        .getItems())
                .extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("slate-appliance", "slate-keycloak");
    }

    @Test
    void aNewRenderingKeepsTheGeneratedCredentialsButAppliesEverythingElse() {
        ClusterApplier applier = new ClusterApplier(client);
        List<HasMetadata> first = manifests.parse(RenderedChart.render("minimal"));
        List<HasMetadata> second = manifests.parse(RenderedChart.renderFresh("minimal"));
        assertThat(secret(second, "slate-postgresql").getData())
                .as("each rendering generates new random credentials")
                .isNotEqualTo(secret(first, "slate-postgresql").getData());
        applier.apply(first, RenderedChart.NAMESPACE);

        List<AppliedObject> again = applier.apply(second, RenderedChart.NAMESPACE);

        assertThat(again)
                .filteredOn(a -> a.ref().kind().equals("Secret"))
                .extracting(a -> a.ref().name(), AppliedObject::outcome)
                .containsExactlyInAnyOrder(
                        Tuple.tuple("slate-postgresql", Outcome.KEPT),
                        Tuple.tuple("slate-redis", Outcome.KEPT),
                        Tuple.tuple("slate-keycloak", Outcome.KEPT),
                        Tuple.tuple("slate-secret-store", Outcome.KEPT));
        Secret live = client.secrets()
                .inNamespace(RenderedChart.NAMESPACE)
                .withName("slate-postgresql")
                .get();
        assertThat(live.getData()).isEqualTo(secret(first, "slate-postgresql").getData());
        assertThat(again)
                .filteredOn(a -> !a.ref().kind().equals("Secret"))
                .allSatisfy(a -> assertThat(a.outcome()).isEqualTo(Outcome.UNCHANGED));
    }

    @Test
    void appliesInHelmsInstallOrderWhateverTheInputOrder() {
        List<HasMetadata> objects = new ArrayList<>(manifests.parse(RenderedChart.render("minimal")));
        Collections.reverse(objects);

        List<String> kinds = new ClusterApplier(client)
                .apply(objects, RenderedChart.NAMESPACE).stream()
                        .map(a -> a.ref().kind())
                        .distinct()
                        .toList();

        assertThat(kinds)
                .containsExactly(
                        "NetworkPolicy",
                        "ServiceAccount",
                        "Secret",
                        "ConfigMap",
                        "PersistentVolumeClaim",
                        "Role",
                        "RoleBinding",
                        "Service",
                        "Deployment",
                        "StatefulSet");
    }

    @Test
    void anObjectChangedByHandIsPutBackByTheNextApply() {
        List<HasMetadata> objects = manifests.parse(RenderedChart.render("minimal"));
        ClusterApplier applier = new ClusterApplier(client);
        applier.apply(objects, RenderedChart.NAMESPACE);
        client.apps()
                .deployments()
                .inNamespace(RenderedChart.NAMESPACE)
                .withName("slate-appliance")
                .edit(d -> {
                    d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .getFirst()
                            .getSecurityContext()
                            .setReadOnlyRootFilesystem(false);
                    return d;
                });

        List<AppliedObject> repaired = applier.apply(objects, RenderedChart.NAMESPACE);

        assertThat(repaired)
                .filteredOn(a -> a.method() != Method.NONE)
                .extracting(a -> a.ref().toString(), AppliedObject::method)
                .containsExactly(Tuple.tuple("Deployment slate/slate-appliance", Method.UPDATE));
        Deployment live = client.apps()
                .deployments()
                .inNamespace(RenderedChart.NAMESPACE)
                .withName("slate-appliance")
                .get();
        assertThat(live.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getSecurityContext()
                        .getReadOnlyRootFilesystem())
                .isTrue();
    }

    @Test
    void anInterruptedApplyIsResumedByRunningItAgain() {
        List<HasMetadata> objects = manifests.parse(RenderedChart.render("minimal"));
        // the API server refuses the first Deployment once, e.g. a permission granted only after the first
        // run (the CRUD mock answers everything else). 5xx answers are retried by the Fabric8 client itself.
        server.expect()
                .post()
                .withPath("/apis/apps/v1/namespaces/slate/deployments")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage("deployments.apps is forbidden")
                                .build())
                .once();

        assertThatThrownBy(() -> new ClusterApplier(client).apply(objects, RenderedChart.NAMESPACE))
                .isInstanceOf(ClusterApplyException.class)
                .hasMessageStartingWith("Deployment slate/slate-appliance: apply failed (HTTP 403)")
                .satisfies(e ->
                        assertThat(((ClusterApplyException) e).ref().name()).isEqualTo("slate-appliance"));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(RenderedChart.NAMESPACE)
                        .list()
                        .getItems())
                .isEmpty();
        assertThat(client.services().inNamespace(RenderedChart.NAMESPACE).list().getItems())
                .isNotEmpty();

        List<AppliedObject> resumed = new ClusterApplier(client).apply(objects, RenderedChart.NAMESPACE);

        Map<String, Outcome> outcomes =
                resumed.stream().collect(Collectors.toMap(a -> a.ref().toString(), AppliedObject::outcome));
        assertThat(outcomes)
                .containsEntry("Service slate/slate-appliance", Outcome.UNCHANGED)
                .containsEntry("Secret slate/slate-postgresql", Outcome.KEPT)
                .containsEntry("Deployment slate/slate-appliance", Outcome.CREATED)
                .containsEntry("Deployment slate/slate-keycloak", Outcome.CREATED)
                .containsEntry("StatefulSet slate/slate-postgresql", Outcome.CREATED);
        assertThat(resumed).hasSameSizeAs(objects);
    }

    @Test
    void usesServerSideApplyWhereTheApiServerHasIt() throws InterruptedException {
        // the mock has no server-side apply: these expectations answer as a real API server does
        ConfigMap settings = new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .withNamespace("slate")
                .endMetadata()
                .addToData("A", "1")
                .build();
        String path = "/api/v1/namespaces/slate/configmaps/settings";
        ConfigMap stored = new ConfigMapBuilder(settings)
                .editMetadata()
                .withResourceVersion("7")
                .endMetadata()
                .build();
        server.expect().get().withPath(path).andReturn(404, null).once();
        server.expect()
                .patch()
                .withPath(path + "?fieldManager=slate-installer&force=true")
                .andReturn(200, stored)
                .once();
        server.expect().get().withPath(path).andReturn(200, stored).once();

        List<AppliedObject> applied = new ClusterApplier(client).apply(List.of(settings), "slate");

        assertThat(applied).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(Outcome.CREATED);
            assertThat(a.method()).isEqualTo(Method.SERVER_SIDE_APPLY);
        });
        server.takeRequest(); // the GET before
        var patch = server.takeRequest();
        assertThat(patch.getMethod()).isEqualTo("PATCH");
        assertThat(patch.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
        assertThat(patch.getPath()).contains("fieldManager=slate-installer").contains("force=true");
    }

    @Test
    void aFailureNamesTheObjectAndKeepsTheCause() {
        ConfigMap settings = new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .endMetadata()
                .addToData("A", "1")
                .build();
        try (KubernetesClient unreachable = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:1")
                        .withRequestRetryBackoffLimit(0)
                        .withConnectionTimeout(500)
                        .withRequestTimeout(500)
                        .build())
                .build()) {
            assertThatThrownBy(() -> new ClusterApplier(unreachable).apply(List.of(settings), "slate"))
                    .isInstanceOf(ClusterApplyException.class)
                    .hasMessageStartingWith("ConfigMap slate/settings: apply failed")
                    .hasCauseInstanceOf(KubernetesClientException.class);
        }
    }

    private static Object specOf(HasMetadata object) {
        Map<?, ?> tree = new ObjectMapper().convertValue(object, Map.class);
        Map<Object, Object> content = new HashMap<>(tree);
        content.remove("metadata");
        content.remove("status");
        return content;
    }

    private static Secret secret(List<HasMetadata> objects, String name) {
        return objects.stream()
                .filter(Secret.class::isInstance)
                .map(Secret.class::cast)
                .filter(s -> s.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Map<ObjectRef, HasMetadata> byRef(List<AppliedObject> applied) {
        return applied.stream()
                .collect(Collectors.toMap(AppliedObject::ref, AppliedObject::live, (a, b) -> a, LinkedHashMap::new));
    }
}
