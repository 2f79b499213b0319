package dev.slate.control.k8s;

import dev.slate.control.env.Environment;
import dev.slate.control.env.ReplicaMode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes objects one environment should have (docs/environments.md, "Cluster mode"): pure functions
 * of the environment and the {@link ClusterSettings}, one per dependent object, in the style of the Keycloak
 * operator's dependent resources. Unit-tested against YAML fixtures ({@code src/test/resources/k8s/}).
 */
public final class DesiredObjects {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "slate";
    public static final String ENVIRONMENT = "slate.dev/environment";
    public static final String GENERATION = "slate.dev/generation";
    /** The name of every object in an environment's namespace (one of each kind). */
    public static final String NAME = "slate-serving";

    private static final int MAX_NAMESPACE = 63;

    private DesiredObjects() {}

    /** Every object, in the order to apply them (the namespace first). The HPA only when autoscaled. */
    public static List<HasMetadata> all(Environment environment, ClusterSettings settings) {
        List<HasMetadata> out = new ArrayList<>(List.of(
                namespace(environment, settings),
                configMap(environment, settings),
                deployment(environment, settings),
                service(environment, settings),
                podDisruptionBudget(environment, settings),
                networkPolicy(environment, settings)));
        horizontalPodAutoscaler(environment, settings).ifPresent(out::add);
        return List.copyOf(out);
    }

    /**
     * The environment's namespace: the prefix plus its name; when that is longer than Kubernetes allows (63),
     * the name is shortened and a hash of the whole name appended, so two environments never share one.
     */
    public static String namespaceName(String environment, ClusterSettings settings) {
        String full = settings.namespacePrefix() + environment;
        if (full.length() <= MAX_NAMESPACE) {
            return full;
        }
        String hash = sha256(environment).substring(0, 8);
        String kept = full.substring(0, MAX_NAMESPACE - hash.length() - 1);
        while (kept.endsWith("-")) {
            kept = kept.substring(0, kept.length() - 1);
        }
        return kept + "-" + hash;
    }

    public static Map<String, String> labels(Environment environment) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", NAME);
        labels.put("app.kubernetes.io/part-of", "slate");
        labels.put(MANAGED_BY, MANAGER);
        labels.put(ENVIRONMENT, environment.name());
        return labels;
    }

    /** The labels that select an environment's serving pods. */
    public static Map<String, String> selector(Environment environment) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put("app.kubernetes.io/name", NAME);
        selector.put(ENVIRONMENT, environment.name());
        return selector;
    }

    public static Namespace namespace(Environment environment, ClusterSettings settings) {
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(namespaceName(environment.name(), settings))
                .withLabels(labels(environment))
                .endMetadata()
                .build();
    }

    /** What serving replicas read about their environment; the active deployment itself they read from PostgreSQL. */
    public static ConfigMap configMap(Environment environment, ClusterSettings settings) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("SLATE_ENVIRONMENT", environment.name());
        data.put(
                "SLATE_ACTIVE_DEPLOYMENT_ID",
                environment.activeDeploymentId().map(Object::toString).orElse(""));
        data.put("SLATE_ONLINE_NAMESPACE", environment.onlineNamespace());
        data.put("SLATE_OFFLINE_NAMESPACE", environment.offlineNamespace());
        data.put("SLATE_CLUSTER_ENABLED", "false"); // a serving replica never reconciles
        return new ConfigMapBuilder()
                .withMetadata(meta(environment, settings))
                .withData(data)
                .build();
    }

    /**
     * The serving replicas. A fixed environment sets {@code replicas}; an autoscaled one leaves the field out, so
     * the HorizontalPodAutoscaler owns it and server-side apply never fights it.
     */
    public static Deployment deployment(Environment environment, ClusterSettings settings) {
        Integer replicas = environment.spec().mode() == ReplicaMode.FIXED
                ? environment.spec().replicas()
                : null;
        return new DeploymentBuilder()
                .withMetadata(meta(environment, settings))
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(selector(environment))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels(environment))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("serving")
                .withImage(settings.imageReference())
                .addNewPort()
                .withName("http")
                .withContainerPort(settings.servingPort())
                .endPort()
                .addNewEnvFrom()
                .withNewConfigMapRef()
                .withName(NAME)
                .endConfigMapRef()
                .endEnvFrom()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/q/health/ready")
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .endReadinessProbe()
                .withNewLivenessProbe()
                .withNewHttpGet()
                .withPath("/q/health/live")
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .endLivenessProbe()
                .withNewResources()
                .addToRequests("cpu", new Quantity("500m"))
                .addToRequests("memory", new Quantity("512Mi"))
                .endResources()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    public static Service service(Environment environment, ClusterSettings settings) {
        return new ServiceBuilder()
                .withMetadata(meta(environment, settings))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(selector(environment))
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withTargetPort(new IntOrString("http"))
                .endPort()
                .endSpec()
                .build();
    }

    /** Autoscaled environments only: between {@code max(1, replicas)} and {@code max_replicas} by CPU. */
    public static Optional<HorizontalPodAutoscaler> horizontalPodAutoscaler(
            Environment environment, ClusterSettings settings) {
        if (environment.spec().mode() != ReplicaMode.AUTOSCALED) {
            return Optional.empty();
        }
        return Optional.of(new HorizontalPodAutoscalerBuilder()
                .withMetadata(meta(environment, settings))
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(NAME)
                .endScaleTargetRef()
                .withMinReplicas(Math.max(1, environment.spec().replicas()))
                .withMaxReplicas(environment.spec().maxReplicas().orElseThrow())
                .addNewMetric()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(settings.targetCpuPercent())
                .endTarget()
                .endResource()
                .endMetric()
                .endSpec()
                .build());
    }

    /** At most one serving replica down at a time for voluntary disruptions (node drains). */
    public static PodDisruptionBudget podDisruptionBudget(Environment environment, ClusterSettings settings) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(meta(environment, settings))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(selector(environment))
                .endSelector()
                .endSpec()
                .build();
    }

    /** Serving pods accept traffic only from their own namespace and the metadata plane's, on the serving port. */
    public static NetworkPolicy networkPolicy(Environment environment, ClusterSettings settings) {
        return new NetworkPolicyBuilder()
                .withMetadata(meta(environment, settings))
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(selector(environment))
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress()
                .addNewFrom()
                .withNewPodSelector()
                .endPodSelector()
                .endFrom()
                .addNewFrom()
                .withNewNamespaceSelector()
                .addToMatchLabels("kubernetes.io/metadata.name", settings.controlNamespace())
                .endNamespaceSelector()
                .endFrom()
                .addNewPort()
                .withProtocol("TCP")
                .withPort(new IntOrString(settings.servingPort()))
                .endPort()
                .endIngress()
                .endSpec()
                .build();
    }

    private static ObjectMeta meta(Environment environment, ClusterSettings settings) {
        return new ObjectMetaBuilder()
                .withName(NAME)
                .withNamespace(namespaceName(environment.name(), settings))
                .withLabels(labels(environment))
                .withAnnotations(Map.of(GENERATION, Long.toString(environment.generation())))
                .build();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
