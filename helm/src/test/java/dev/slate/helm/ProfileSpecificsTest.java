package dev.slate.helm;

import static dev.slate.helm.ChartProfilesTest.component;
import static dev.slate.helm.ChartProfilesTest.rendered;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What distinguishes the minimal, external-databases and HA profiles. */
class ProfileSpecificsTest {

    @Test
    void minimalBundlesPostgresAndRedisAsStatefulSetsWithVolumesAndGeneratesKeptCredentials() {
        List<HasMetadata> objects = rendered("minimal");

        assertThat(of(objects, StatefulSet.class))
                .extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("slate-postgresql", "slate-redis");
        assertThat(of(objects, StatefulSet.class)).allSatisfy(s -> {
            assertThat(s.getSpec().getReplicas()).isEqualTo(1);
            assertThat(s.getSpec().getVolumeClaimTemplates())
                    .singleElement()
                    .satisfies(c -> assertThat(c.getSpec().getAccessModes()).containsExactly("ReadWriteOnce"));
        });
        assertThat(of(objects, Secret.class))
                .extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("slate-postgresql", "slate-redis", "slate-keycloak", "slate-secret-store");
        assertThat(of(objects, Secret.class))
                .allSatisfy(s -> assertThat(s.getMetadata().getAnnotations())
                        .containsEntry("slate.dev/apply-policy", "create-only")
                        .containsEntry("helm.sh/resource-policy", "keep"));
        Secret key = of(objects, Secret.class).stream()
                .filter(s -> s.getMetadata().getName().equals("slate-secret-store"))
                .findFirst()
                .orElseThrow();
        // the secret store's AES-256 key: base64 of 32 random bytes, inside the Secret's base64
        byte[] aesKey = Base64.getDecoder()
                .decode(Base64.getDecoder().decode(key.getData().get("secrets.key")));
        assertThat(aesKey).hasSize(32);
        assertThat(of(objects, HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(component("minimal", "appliance").replicas()).contains(1);
        // one replica on a ReadWriteOnce volume: the old pod goes before the new one starts
        assertThat(of(objects, Deployment.class))
                .filteredOn(d -> d.getMetadata().getName().equals("slate-appliance"))
                .singleElement()
                .satisfies(d -> assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate"));
    }

    @Test
    void minimalPointsTheApplianceAtTheBundledServersWithPasswordsFromTheirSecrets() {
        Container appliance = component("minimal", "appliance")
                .template()
                .getSpec()
                .getContainers()
                .getFirst();

        assertThat(ChartProfilesTest.configMapData("slate-appliance", "minimal"))
                .containsEntry("SLATE_DB_HOST", "slate-postgresql")
                .containsEntry("SLATE_DB_PORT", "5432");
        assertThat(env(appliance, "SLATE_DB_PASSWORD")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getName())
                .isEqualTo("slate-postgresql");
        assertThat(env(appliance, "SLATE_REDIS_PASSWORD")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getName())
                .isEqualTo("slate-redis");
        // the password enters the URL only inside the pod, by Kubernetes' $(VAR) expansion
        assertThat(env(appliance, "SLATE_REDIS_URL").getValue())
                .isEqualTo("redis://:$(SLATE_REDIS_PASSWORD)@slate-redis:6379");
    }

    @Test
    void externalDatabasesRenderNoSecretAndNoDatabaseServerAndOnlyReferenceExistingSecrets() {
        List<HasMetadata> objects = rendered("external-databases");

        assertThat(of(objects, Secret.class))
                .as("no Secret is rendered: every credential is an existing Secret")
                .isEmpty();
        assertThat(of(objects, StatefulSet.class)).isEmpty();
        Container appliance = component("external-databases", "appliance")
                .template()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(ChartProfilesTest.configMapData("slate-appliance", "external-databases"))
                .containsEntry("SLATE_DB_HOST", "pg.data.svc.cluster.local");
        assertThat(env(appliance, "SLATE_DB_USERNAME")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getName())
                .isEqualTo("slate-postgresql-credentials");
        assertThat(env(appliance, "SLATE_DB_PASSWORD")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getName())
                .isEqualTo("slate-postgresql-credentials");
        assertThat(env(appliance, "SLATE_REDIS_URL")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getName())
                .isEqualTo("slate-redis-url");
        Container keycloak = component("external-databases", "keycloak")
                .template()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(env(keycloak, "KC_DB_PASSWORD")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getName())
                .isEqualTo("slate-postgresql-credentials");
        assertThat(env(keycloak, "KC_BOOTSTRAP_ADMIN_PASSWORD")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getName())
                .isEqualTo("slate-keycloak-credentials");
        assertThat(component("external-databases", "appliance")
                        .template()
                        .getSpec()
                        .getVolumes())
                .anySatisfy(v -> assertThat(v.getSecret() != null
                                && "slate-secret-store-key".equals(v.getSecret().getSecretName()))
                        .isTrue())
                .anySatisfy(v -> assertThat(v.getSecret() != null
                                && "slate-source-credentials"
                                        .equals(v.getSecret().getSecretName()))
                        .isTrue());
    }

    @Test
    void externalDatabasesAllowEgressOnlyToTheConfiguredPeers() {
        NetworkPolicy appliance = policy("external-databases", "slate-appliance");

        NetworkPolicyEgressRule postgres = egressOnPort(appliance, 5432);
        assertThat(postgres.getTo())
                .singleElement()
                .satisfies(p -> assertThat(p.getIpBlock().getCidr()).isEqualTo("10.20.0.0/24"));
        NetworkPolicyEgressRule redis = egressOnPort(appliance, 6379);
        assertThat(redis.getTo())
                .singleElement()
                .satisfies(p -> assertThat(p.getNamespaceSelector().getMatchLabels())
                        .containsEntry("kubernetes.io/metadata.name", "data"));
        assertThat(rendered("external-databases"))
                .filteredOn(NetworkPolicy.class::isInstance)
                .extracting(o -> o.getMetadata().getName())
                .doesNotContain("slate-postgresql", "slate-redis");
    }

    @Test
    void haAutoscalesAtLeastTwoApplianceReplicasOnASharedVolumeWithDisruptionBudgets() {
        List<HasMetadata> objects = rendered("ha");

        HorizontalPodAutoscaler hpa =
                of(objects, HorizontalPodAutoscaler.class).stream().findFirst().orElseThrow();
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("slate-appliance");
        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
        assertThat(component("ha", "appliance").replicas())
                .as("replicas belong to the autoscaler")
                .isEmpty();
        assertThat(component("ha", "keycloak").replicas()).contains(2);
        assertThat(of(objects, PodDisruptionBudget.class))
                .extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("slate-appliance", "slate-keycloak");
        assertThat(of(objects, PersistentVolumeClaim.class))
                .singleElement()
                .satisfies(c -> assertThat(c.getSpec().getAccessModes()).containsExactly("ReadWriteMany"));
        assertThat(of(objects, Deployment.class))
                .filteredOn(d -> d.getMetadata().getName().equals("slate-appliance"))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
                    assertThat(d.getSpec()
                                    .getStrategy()
                                    .getRollingUpdate()
                                    .getMaxUnavailable()
                                    .getIntVal())
                            .isZero();
                });
        assertThat(component("ha", "appliance")
                        .template()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo(
                        "registry.local:5000/slate/appliance@sha256:0f4c2b1d9e8a7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b");
        // Keycloak pods replicate their caches between themselves (JGroups, 7800) and nothing else may
        assertThat(egressOnPort(policy("ha", "slate-keycloak"), 7800).getTo())
                .singleElement()
                .satisfies(p -> assertThat(p.getPodSelector().getMatchLabels())
                        .containsEntry("app.kubernetes.io/component", "keycloak"));
    }

    @Test
    void haGrantsTheControlPlaneARoleInEachEnvironmentNamespaceAndNothingClusterWide() {
        List<HasMetadata> objects = rendered("ha");

        assertThat(of(objects, Role.class))
                .extracting(r -> r.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("slate", "slate-staging", "slate-prod");
        assertThat(of(objects, RoleBinding.class))
                .allSatisfy(b -> assertThat(b.getSubjects()).singleElement().satisfies(s -> {
                    assertThat(s.getKind()).isEqualTo("ServiceAccount");
                    assertThat(s.getName()).isEqualTo("slate");
                    assertThat(s.getNamespace()).isEqualTo("slate");
                }));
        assertThat(objects).noneMatch(o -> o.getKind().startsWith("Cluster"));
        // the API server egress is limited to the configured address
        assertThat(egressOnPort(policy("ha", "slate-appliance"), 443).getTo())
                .singleElement()
                .satisfies(p -> assertThat(p.getIpBlock().getCidr()).isEqualTo("10.96.0.1/32"));
    }

    @Test
    void registryPullSecretsReachEveryPod() {
        List<HasMetadata> objects = Chart.objects("minimal", Map.of("image.pullSecrets[0]", "customer-registry"));

        assertThat(Pods.of(objects))
                .hasSize(4)
                .allSatisfy(p -> assertThat(p.template().getSpec().getImagePullSecrets())
                        .extracting(LocalObjectReference::getName)
                        .containsExactly("customer-registry"));
    }

    static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static EnvVar env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no " + name));
    }

    static NetworkPolicy policy(String profile, String name) {
        return of(rendered(profile), NetworkPolicy.class).stream()
                .filter(p -> p.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static NetworkPolicyEgressRule egressOnPort(NetworkPolicy policy, int port) {
        return policy.getSpec().getEgress().stream()
                .filter(rule -> rule.getPorts().stream()
                        .anyMatch(p ->
                                p.getPort().getIntVal() != null && p.getPort().getIntVal() == port))
                .findFirst()
                .orElseThrow(() -> new AssertionError(policy.getMetadata().getName() + " has no egress on " + port));
    }
}
