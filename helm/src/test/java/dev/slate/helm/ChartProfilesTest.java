package dev.slate.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * What every values profile must render: lint-clean (strict), every object valid in the Fabric8 model
 * (strict: no unknown field), and the security and availability posture of docs/install.md.
 */
class ChartProfilesTest {
    static final List<String> PROFILES = Chart.PROFILES;
    private static final Map<String, List<HasMetadata>> RENDERED = new ConcurrentHashMap<>();
    private static final Set<String> LABELS = Set.of(
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/component",
            "app.kubernetes.io/version",
            "app.kubernetes.io/part-of",
            "app.kubernetes.io/managed-by");

    static List<HasMetadata> rendered(String profile) {
        return RENDERED.computeIfAbsent(profile, Chart::objects);
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void lintsCleanInStrictMode(String profile) {
        LintResult lint = Chart.lint(profile);

        assertThat(lint.isFailed())
                .as("helm lint --strict: %s", lint.getMessages())
                .isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.startsWith("[WARNING]") || m.startsWith("[ERROR]"));
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void everyObjectCarriesTheRecommendedLabels(String profile) {
        List<HasMetadata> objects = rendered(profile);

        assertThat(objects)
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                        .as("%s %s", o.getKind(), o.getMetadata().getName())
                        .containsKeys(LABELS.toArray(String[]::new))
                        .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
                        .containsEntry("app.kubernetes.io/part-of", "slate"));
        assertThat(Pods.of(objects))
                .allSatisfy(p -> assertThat(p.template().getMetadata().getLabels())
                        .as("%s pod labels", p)
                        .containsKeys(LABELS.toArray(String[]::new)));
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void everyPodAndContainerIsLockedDown(String profile) {
        List<Pods> pods = Pods.of(rendered(profile));

        assertThat(pods).isNotEmpty();
        for (Pods pod : pods) {
            PodSecurityContext podContext = pod.template().getSpec().getSecurityContext();
            assertThat(podContext.getRunAsNonRoot()).as("%s runAsNonRoot", pod).isTrue();
            assertThat(podContext.getRunAsUser()).as("%s runAsUser", pod).isPositive();
            assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            Set<String> writable = pod.template().getSpec().getVolumes().stream()
                    .filter(v -> v.getEmptyDir() != null || v.getPersistentVolumeClaim() != null)
                    .map(Volume::getName)
                    .collect(Collectors.toSet());
            writable.addAll(volumeClaimTemplateNames(pod));
            for (Container container : pod.containers()) {
                String what = pod + " container " + container.getName();
                SecurityContext context = container.getSecurityContext();
                assertThat(context).as(what).isNotNull();
                assertThat(context.getRunAsNonRoot()).as(what).isTrue();
                assertThat(context.getReadOnlyRootFilesystem()).as(what).isTrue();
                assertThat(context.getAllowPrivilegeEscalation()).as(what).isFalse();
                assertThat(context.getPrivileged()).as(what).isFalse();
                assertThat(context.getCapabilities().getDrop()).as(what).containsExactly("ALL");
                assertThat(context.getCapabilities().getAdd()).as(what).isEmpty();
                assertThat(context.getSeccompProfile().getType()).as(what).isEqualTo("RuntimeDefault");
                // a read-only root file system: /tmp must be a writable volume
                assertThat(container.getVolumeMounts()).as(what + " /tmp").anySatisfy(m -> {
                    assertThat(m.getMountPath()).isEqualTo("/tmp");
                    assertThat(writable).contains(m.getName());
                });
            }
        }
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void everyContainerHasProbesAndBoundedResources(String profile) {
        for (Pods pod : Pods.of(rendered(profile))) {
            for (Container container : pod.template().getSpec().getContainers()) {
                String what = pod + " container " + container.getName();
                assertThat(container.getLivenessProbe()).as(what + " liveness").isNotNull();
                assertThat(container.getReadinessProbe())
                        .as(what + " readiness")
                        .isNotNull();
                Map<String, Quantity> requests = container.getResources().getRequests();
                Map<String, Quantity> limits = container.getResources().getLimits();
                assertThat(requests).as(what + " requests").containsKeys("cpu", "memory");
                assertThat(limits).as(what + " limits").containsKey("memory");
                assertThat(Quantity.getAmountInBytes(limits.get("memory")))
                        .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
            }
        }
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void theApplianceIsProbedOnSmallRyeHealthAtItsHttpPort(String profile) {
        Pods appliance = component(profile, "appliance");
        Container container = appliance.template().getSpec().getContainers().getFirst();

        assertThat(container.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("http");
        // it listens on every interface of the pod (the appliance's default is loopback)
        assertThat(configMapData("slate-appliance", profile))
                .containsEntry("SLATE_HTTP_HOST", "0.0.0.0")
                .containsEntry("SLATE_HTTP_PORT", "8080");
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void imagesComeOnlyFromTheConfiguredRegistry(String profile) {
        for (Pods pod : Pods.of(rendered(profile))) {
            for (Container container : pod.containers()) {
                assertThat(container.getImage())
                        .as("%s %s", pod, container.getName())
                        .startsWith("registry.local:5000/slate/");
            }
        }
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void noSecretValueIsWrittenIntoAConfigMapOrAPlainEnvironmentVariable(String profile) {
        List<HasMetadata> objects = rendered(profile);
        for (Pods pod : Pods.of(objects)) {
            for (Container container : pod.containers()) {
                for (EnvVar env : container.getEnv()) {
                    if (env.getName().matches(".*(PASSWORD|SECRET|TOKEN|AUTH)$")) {
                        assertThat(env.getValueFrom())
                                .as("%s %s %s comes from a Secret", pod, container.getName(), env.getName())
                                .isNotNull();
                        assertThat(env.getValueFrom().getSecretKeyRef()).isNotNull();
                    }
                }
            }
        }
        objects.stream()
                .filter(ConfigMap.class::isInstance)
                .map(ConfigMap.class::cast)
                .forEach(cm -> assertThat(cm.getData().keySet())
                        .as(cm.getMetadata().getName())
                        .noneMatch(k -> k.matches("(?i).*(password|secret_key|secrets_key)$")));
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void aDefaultDenyPolicySelectsEveryPodOfTheReleaseAndEachComponentHasItsOwnAllowPolicy(String profile) {
        List<HasMetadata> objects = rendered(profile);
        List<NetworkPolicy> policies = objects.stream()
                .filter(NetworkPolicy.class::isInstance)
                .map(NetworkPolicy.class::cast)
                .toList();

        NetworkPolicy deny = policies.stream()
                .filter(p -> p.getMetadata().getName().equals("slate-default-deny"))
                .findFirst()
                .orElseThrow();
        assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.getSpec().getIngress()).isEmpty();
        assertThat(deny.getSpec().getEgress()).isEmpty();
        Map<String, String> denySelector = deny.getSpec().getPodSelector().getMatchLabels();
        for (Pods pod : Pods.of(objects)) {
            Map<String, String> podLabels = pod.template().getMetadata().getLabels();
            assertThat(podLabels).as("%s is under default deny", pod).containsAllEntriesOf(denySelector);
            assertThat(policies).as("%s has an allow policy", pod).anySatisfy(p -> {
                assertThat(p.getMetadata().getName()).isNotEqualTo("slate-default-deny");
                assertThat(podLabels)
                        .containsAllEntriesOf(p.getSpec().getPodSelector().getMatchLabels());
            });
        }
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void aPodDisruptionBudgetExistsExactlyForTheComponentsWithMoreThanOnePod(String profile) {
        List<HasMetadata> objects = rendered(profile);
        Set<String> withBudget = objects.stream()
                .filter(PodDisruptionBudget.class::isInstance)
                .map(PodDisruptionBudget.class::cast)
                .map(p -> p.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/component"))
                .collect(Collectors.toSet());
        int applianceMinimum = objects.stream()
                .filter(HorizontalPodAutoscaler.class::isInstance)
                .map(HorizontalPodAutoscaler.class::cast)
                .map(h -> h.getSpec().getMinReplicas())
                .findFirst()
                .orElseGet(() -> component(profile, "appliance").replicas().orElseThrow());

        Set<String> expected = new HashSet<>();
        for (Pods pod : Pods.of(objects)) {
            int pods = pod.component().equals("appliance")
                    ? applianceMinimum
                    : pod.replicas().orElseThrow();
            if (pods > 1) {
                expected.add(pod.component());
            }
        }
        assertThat(withBudget).isEqualTo(expected);
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void onlyTheApplianceMountsAServiceAccountToken(String profile) {
        for (Pods pod : Pods.of(rendered(profile))) {
            boolean appliance = pod.component().equals("appliance");
            assertThat(pod.template().getSpec().getAutomountServiceAccountToken())
                    .as("%s", pod)
                    .isEqualTo(appliance);
        }
    }

    @ParameterizedTest
    @FieldSource("PROFILES")
    void keycloakImportsTheRealmTemplateAndGetsItsPlaceholdersFromItsEnvironment(String profile) {
        Pods keycloak = component(profile, "keycloak");
        Container container = keycloak.template().getSpec().getContainers().getFirst();

        assertThat(container.getArgs()).contains("start", "--optimized", "--import-realm");
        assertThat(container.getVolumeMounts())
                .extracting(VolumeMount::getMountPath)
                .contains("/opt/keycloak/data/import");
        assertThat(configMapData("slate-keycloak-realm", profile)).containsKey("slate-realm.json");
        // every ${NAME} of the realm template is set in Keycloak's environment
        String realm = configMapData("slate-keycloak-realm", profile).get("slate-realm.json");
        Set<String> placeholders = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}")
                .matcher(realm)
                .results()
                .map(m -> m.group(1))
                .collect(Collectors.toSet());
        assertThat(placeholders).isNotEmpty();
        assertThat(container.getEnv()).extracting(EnvVar::getName).containsAll(placeholders);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
    }

    static Pods component(String profile, String component) {
        return Pods.of(rendered(profile)).stream()
                .filter(p -> p.component().equals(component))
                .findFirst()
                .orElseThrow();
    }

    static Map<String, String> configMapData(String name, String profile) {
        return rendered(profile).stream()
                .filter(ConfigMap.class::isInstance)
                .map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow()
                .getData();
    }

    private static Set<String> volumeClaimTemplateNames(Pods pod) {
        if (pod.owner() instanceof StatefulSet set) {
            return set.getSpec().getVolumeClaimTemplates().stream()
                    .map(c -> c.getMetadata().getName())
                    .collect(Collectors.toSet());
        }
        return Set.of();
    }
}
