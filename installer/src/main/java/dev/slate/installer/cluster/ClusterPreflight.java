package dev.slate.installer.cluster;

import static java.util.Objects.requireNonNull;

import dev.slate.installer.registry.RegistryClient;
import dev.slate.installer.registry.RegistryException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code slate preflight --cluster}: whether a cluster can take the rendered chart, before anything is changed
 * (docs/install.md, "Preflight"). Each check passes or fails with a reason; a warning does not fail.
 */
public final class ClusterPreflight {
    /** The chart's {@code kubeVersion}: 1.27 or newer. */
    public static final int MIN_MINOR = 27;

    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+).*");
    private static final List<String> OBJECT_VERBS = List.of("get", "create", "update", "patch", "delete");

    /** One check's outcome. */
    public record Check(String name, Result result, String detail) {
        public Check {
            requireNonNull(name, "name is null");
            requireNonNull(result, "result is null");
            requireNonNull(detail, "detail is null");
        }
    }

    /** PASS and WARN let an install go on; FAIL stops it. */
    public enum Result {
        PASS,
        WARN,
        FAIL
    }

    /** A permission the install needs: verb on a resource of an API group, in the namespace or cluster-wide. */
    public record Permission(String group, String resource, String verb, boolean namespaced) {
        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (namespaced ? "" : " (cluster-wide)");
        }
    }

    private final KubernetesClient client;
    private final String namespace;

    public ClusterPreflight(KubernetesClient client, String namespace) {
        this.client = requireNonNull(client, "client is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
    }

    public static boolean passed(List<Check> checks) {
        return checks.stream().noneMatch(c -> c.result() == Result.FAIL);
    }

    /**
     * @param rendered the chart rendered with the chosen values (requests, volumes, kinds)
     * @param registry the registry the images go to, with its credentials; empty to leave it out
     * @param repository a repository to check push permission on (e.g. {@code PREFIX/slate/appliance})
     */
    public List<Check> run(List<HasMetadata> rendered, Optional<RegistryClient> registry, String repository) {
        List<Check> checks = new ArrayList<>();
        checks.add(kubernetesVersion());
        checks.add(storageClasses(rendered));
        checks.add(resources(rendered));
        registry.ifPresent(r -> checks.addAll(registry(r, repository)));
        checks.addAll(permissions(rendered));
        return List.copyOf(checks);
    }

    Check kubernetesVersion() {
        VersionInfo info;
        try {
            info = client.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            return new Check(
                    "kubernetes-version", Result.FAIL, "cannot read the API server's version: " + e.getMessage());
        }
        String text = info.getGitVersion() != null ? info.getGitVersion() : info.getMajor() + "." + info.getMinor();
        Matcher m = VERSION.matcher(text);
        if (!m.matches()) {
            return new Check("kubernetes-version", Result.FAIL, "unreadable version '" + text + "'");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        boolean ok = major > 1 || (major == 1 && minor >= MIN_MINOR);
        return new Check(
                "kubernetes-version",
                ok ? Result.PASS : Result.FAIL,
                text
                        + (ok
                                ? " (1." + MIN_MINOR + " or newer needed)"
                                : ": the chart needs 1." + MIN_MINOR + " or newer"));
    }

    Check storageClasses(List<HasMetadata> rendered) {
        List<String> wanted = new ArrayList<>();
        boolean needsDefault = false;
        for (PersistentVolumeClaim claim : claims(rendered)) {
            String name = claim.getSpec() == null ? null : claim.getSpec().getStorageClassName();
            if (name == null || name.isEmpty()) {
                needsDefault = true;
            } else {
                wanted.add(name);
            }
        }
        if (!needsDefault && wanted.isEmpty()) {
            return new Check("storage-class", Result.PASS, "no volumes in this rendering");
        }
        List<StorageClass> classes;
        try {
            classes = client.storage().v1().storageClasses().list().getItems();
        } catch (KubernetesClientException e) {
            return new Check("storage-class", Result.FAIL, "cannot list storage classes: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (String name : new LinkedHashSet<>(wanted)) {
            if (classes.stream().noneMatch(c -> c.getMetadata().getName().equals(name))) {
                problems.add("storage class " + name + " does not exist");
            }
        }
        Optional<String> defaultClass = classes.stream()
                .filter(c -> c.getMetadata().getAnnotations() != null
                        && "true"
                                .equals(c.getMetadata()
                                        .getAnnotations()
                                        .get("storageclass.kubernetes.io/is-default-class")))
                .map(c -> c.getMetadata().getName())
                .findFirst();
        if (needsDefault && defaultClass.isEmpty()) {
            problems.add("volumes without a storage class need a default StorageClass, and the cluster has none"
                    + " (set postgresql/redis/appliance storageClass, or mark one default)");
        }
        return problems.isEmpty()
                ? new Check(
                        "storage-class",
                        Result.PASS,
                        (needsDefault ? "default " + defaultClass.get() : "")
                                + (wanted.isEmpty()
                                        ? ""
                                        : (needsDefault ? "; " : "") + "named "
                                                + String.join(", ", new LinkedHashSet<>(wanted))))
                : new Check("storage-class", Result.FAIL, String.join("; ", problems));
    }

    Check resources(List<HasMetadata> rendered) {
        BigDecimal cpu = BigDecimal.ZERO;
        BigDecimal memory = BigDecimal.ZERO;
        Map<String, Integer> minimums = new LinkedHashMap<>();
        for (HasMetadata object : rendered) {
            if (object instanceof HorizontalPodAutoscaler hpa) {
                minimums.put(
                        hpa.getSpec().getScaleTargetRef().getName(),
                        hpa.getSpec().getMinReplicas() == null
                                ? 1
                                : hpa.getSpec().getMinReplicas());
            }
        }
        for (HasMetadata object : rendered) {
            PodSpec pod;
            Integer replicas;
            if (object instanceof Deployment d) {
                pod = d.getSpec().getTemplate().getSpec();
                replicas = d.getSpec().getReplicas();
            } else if (object instanceof StatefulSet s) {
                pod = s.getSpec().getTemplate().getSpec();
                replicas = s.getSpec().getReplicas();
            } else {
                continue;
            }
            int count = minimums.getOrDefault(object.getMetadata().getName(), replicas == null ? 1 : replicas);
            for (Container container : pod.getContainers()) {
                Map<String, Quantity> requests = container.getResources() == null
                        ? null
                        : container.getResources().getRequests();
                if (requests != null) {
                    BigDecimal n = BigDecimal.valueOf(count);
                    if (requests.containsKey("cpu")) {
                        cpu = cpu.add(requests.get("cpu").getNumericalAmount().multiply(n));
                    }
                    if (requests.containsKey("memory")) {
                        memory = memory.add(
                                requests.get("memory").getNumericalAmount().multiply(n));
                    }
                }
            }
        }
        List<Node> nodes;
        try {
            nodes = client.nodes().list().getItems();
        } catch (KubernetesClientException e) {
            return new Check(
                    "resources",
                    Result.WARN,
                    "requests " + cpuText(cpu) + " CPU, " + memText(memory) + " memory; cannot list nodes to compare ("
                            + e.getCode() + ")");
        }
        BigDecimal freeCpu = BigDecimal.ZERO;
        BigDecimal freeMemory = BigDecimal.ZERO;
        int schedulable = 0;
        for (Node node : nodes) {
            if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
                continue;
            }
            Map<String, Quantity> allocatable =
                    node.getStatus() == null ? null : node.getStatus().getAllocatable();
            if (allocatable == null) {
                continue;
            }
            schedulable++;
            if (allocatable.containsKey("cpu")) {
                freeCpu = freeCpu.add(allocatable.get("cpu").getNumericalAmount());
            }
            if (allocatable.containsKey("memory")) {
                freeMemory = freeMemory.add(allocatable.get("memory").getNumericalAmount());
            }
        }
        String detail = "requests " + cpuText(cpu) + " CPU and " + memText(memory) + " memory; " + schedulable
                + " schedulable node(s) allocate " + cpuText(freeCpu) + " CPU and " + memText(freeMemory)
                + " (before what already runs there)";
        boolean fits = cpu.compareTo(freeCpu) <= 0 && memory.compareTo(freeMemory) <= 0;
        return new Check("resources", fits ? Result.PASS : Result.FAIL, detail);
    }

    List<Check> registry(RegistryClient registry, String repository) {
        List<Check> checks = new ArrayList<>();
        try {
            RegistryClient.Ping ping = registry.ping();
            if (ping.status() != 200) {
                checks.add(new Check(
                        "registry",
                        Result.FAIL,
                        "GET /v2/ on " + registry.address() + " answered HTTP " + ping.status() + " " + ping.detail()));
                return checks;
            }
            checks.add(new Check("registry", Result.PASS, registry.address() + " answers /v2/"));
        } catch (RegistryException e) {
            checks.add(new Check("registry", Result.FAIL, e.getMessage()));
            return checks;
        }
        Optional<String> refusal = registry.pushRefusal(repository);
        checks.add(
                refusal.isEmpty()
                        ? new Check("registry-push", Result.PASS, "may push to " + repository)
                        : new Check("registry-push", Result.FAIL, refusal.get()));
        return checks;
    }

    /** Every permission the install, upgrade, rollback and uninstall need for this rendering. */
    public static List<Permission> permissionsFor(List<HasMetadata> rendered) {
        Set<Permission> needed = new LinkedHashSet<>();
        for (HasMetadata object : rendered) {
            boolean namespaced = object instanceof Namespaced;
            String group = group(object.getApiVersion());
            String resource = HasMetadata.getPlural(object.getClass());
            for (String verb : OBJECT_VERBS) {
                needed.add(new Permission(group, resource, verb, namespaced));
            }
        }
        // the release records, the backup Jobs and their volume, scaling the appliance, status and prune
        for (String verb : List.of("get", "list", "create", "update", "delete")) {
            needed.add(new Permission("", "secrets", verb, true));
        }
        for (String verb : List.of("get", "list", "create", "delete")) {
            needed.add(new Permission("batch", "jobs", verb, true));
            needed.add(new Permission("", "persistentvolumeclaims", verb, true));
        }
        needed.add(new Permission("networking.k8s.io", "networkpolicies", "create", true));
        needed.add(new Permission("apps", "deployments/scale", "patch", true));
        needed.add(new Permission("", "namespaces", "get", false));
        return List.copyOf(needed);
    }

    List<Check> permissions(List<HasMetadata> rendered) {
        List<String> denied = new ArrayList<>();
        List<Permission> needed = permissionsFor(rendered);
        for (Permission permission : needed) {
            String[] resource = permission.resource().split("/", 2);
            SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withNewResourceAttributes()
                    .withGroup(permission.group())
                    .withResource(resource[0])
                    .withSubresource(resource.length > 1 ? resource[1] : null)
                    .withVerb(permission.verb())
                    .withNamespace(permission.namespaced() ? namespace : null)
                    .endResourceAttributes()
                    .endSpec()
                    .build();
            try {
                SelfSubjectAccessReview answer =
                        client.authorization().v1().selfSubjectAccessReview().create(review);
                boolean allowed = answer.getStatus() != null
                        && Boolean.TRUE.equals(answer.getStatus().getAllowed());
                if (!allowed) {
                    String why =
                            answer.getStatus() == null || answer.getStatus().getReason() == null
                                    ? ""
                                    : " (" + answer.getStatus().getReason() + ")";
                    denied.add(permission + why);
                }
            } catch (KubernetesClientException e) {
                return List.of(new Check(
                        "permissions",
                        Result.FAIL,
                        "cannot ask the API server (SelfSubjectAccessReview): " + e.getMessage()));
            }
        }
        return List.of(
                denied.isEmpty()
                        ? new Check(
                                "permissions",
                                Result.PASS,
                                needed.size() + " verb/resource pairs allowed in namespace " + namespace)
                        : new Check("permissions", Result.FAIL, "denied: " + String.join("; ", denied)));
    }

    private static List<PersistentVolumeClaim> claims(List<HasMetadata> rendered) {
        List<PersistentVolumeClaim> claims = new ArrayList<>();
        for (HasMetadata object : rendered) {
            if (object instanceof PersistentVolumeClaim claim) {
                claims.add(claim);
            } else if (object instanceof StatefulSet set && set.getSpec().getVolumeClaimTemplates() != null) {
                claims.addAll(set.getSpec().getVolumeClaimTemplates());
            }
        }
        return claims;
    }

    private static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private static String cpuText(BigDecimal cores) {
        return cores.stripTrailingZeros().toPlainString();
    }

    private static String memText(BigDecimal bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes.doubleValue() / (1L << 30));
    }
}
