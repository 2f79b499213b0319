package dev.slate.installer.cluster;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.installer.cluster.AppliedObject.Method;
import dev.slate.installer.cluster.AppliedObject.Outcome;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies rendered manifests (the Helm chart's objects, parsed by {@link Manifests}) to a cluster, the
 * installer's cluster path where no Helm release is wanted or possible (docs/install.md, "Kubernetes (Helm
 * chart)"):
 *
 * <ul>
 *   <li>objects go in Helm's install order (namespaces, network policies, accounts, secrets and config
 *       before the workloads that use them), whatever order they came in;</li>
 *   <li>an object whose live state already holds everything the manifest says is not written at all, so
 *       applying the same objects again changes nothing: idempotent, and a failed run is resumed by
 *       running it again;</li>
 *   <li>the others are written with server-side apply under one field manager, taking over fields of other
 *       managers ({@code force}); where the API server has no server-side apply, by create or update
 *       ({@link #write});</li>
 *   <li>an object annotated {@code slate.dev/apply-policy: create-only} (the chart's generated
 *       credentials) is created once and never replaced: a new rendering holds new random values, and a
 *       database initialised with the old password must keep it;</li>
 *   <li>every object is read back, and everything the manifest said must be in the live object.</li>
 * </ul>
 */
public final class ClusterApplier {
    public static final String FIELD_MANAGER = "slate-installer";
    public static final String APPLY_POLICY = "slate.dev/apply-policy";
    public static final String CREATE_ONLY = "create-only";

    /** The order {@code helm install} creates kinds in; kinds not listed go last, in input order. */
    private static final List<String> INSTALL_ORDER = List.of(
            "PriorityClass",
            "Namespace",
            "NetworkPolicy",
            "ResourceQuota",
            "LimitRange",
            "PodSecurityPolicy",
            "PodDisruptionBudget",
            "ServiceAccount",
            "Secret",
            "SecretList",
            "ConfigMap",
            "StorageClass",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "CustomResourceDefinition",
            "ClusterRole",
            "ClusterRoleList",
            "ClusterRoleBinding",
            "ClusterRoleBindingList",
            "Role",
            "RoleList",
            "RoleBinding",
            "RoleBindingList",
            "Service",
            "DaemonSet",
            "Pod",
            "ReplicationController",
            "ReplicaSet",
            "Deployment",
            "HorizontalPodAutoscaler",
            "StatefulSet",
            "Job",
            "CronJob",
            "IngressClass",
            "Ingress",
            "APIService");

    private final KubernetesClient client;
    private final String fieldManager;
    private final ObjectMapper json = new ObjectMapper();
    /** false once the API server refused an apply patch as unsupported (see {@link #write}) */
    private boolean serverSideApply = true;

    public ClusterApplier(KubernetesClient client, String fieldManager) {
        this.client = requireNonNull(client, "client is null");
        this.fieldManager = requireNonNull(fieldManager, "fieldManager is null");
    }

    public ClusterApplier(KubernetesClient client) {
        this(client, FIELD_MANAGER);
    }

    /**
     * Applies every object, namespaced ones without a namespace of their own into {@code namespace}, and
     * returns them in the order applied, as read back.
     *
     * @throws ClusterApplyException for the first object that could not be applied or read back; the objects
     *     before it are applied, and running again continues from there
     */
    public List<AppliedObject> apply(List<HasMetadata> objects, String namespace) {
        requireNonNull(namespace, "namespace is null");
        List<AppliedObject> applied = new ArrayList<>();
        for (HasMetadata desired : inInstallOrder(objects)) {
            applied.add(applyOne(placed(desired, namespace)));
        }
        return List.copyOf(applied);
    }

    /** The objects sorted into Helm's install order (stable within a kind). */
    public static List<HasMetadata> inInstallOrder(List<HasMetadata> objects) {
        List<HasMetadata> sorted = new ArrayList<>(objects);
        sorted.sort(Comparator.comparingInt(ClusterApplier::rank));
        return sorted;
    }

    private static int rank(HasMetadata object) {
        int index = INSTALL_ORDER.indexOf(object.getKind());
        return index < 0 ? INSTALL_ORDER.size() : index;
    }

    private HasMetadata placed(HasMetadata desired, String namespace) {
        HasMetadata copy = client.getKubernetesSerialization().clone(desired);
        if (copy instanceof Namespaced) {
            if (copy.getMetadata().getNamespace() == null
                    || copy.getMetadata().getNamespace().isEmpty()) {
                copy.getMetadata().setNamespace(namespace);
            }
        } else {
            copy.getMetadata().setNamespace(null);
        }
        return copy;
    }

    private AppliedObject applyOne(HasMetadata desired) {
        ObjectRef ref = ObjectRef.of(desired);
        Resource<HasMetadata> resource = client.resource(desired);
        HasMetadata before;
        HasMetadata after;
        Method method;
        try {
            before = resource.get();
            if (before != null && isCreateOnly(desired)) {
                return new AppliedObject(ref, Outcome.KEPT, Method.NONE, before);
            }
            if (before != null && missingIn(before, desired).isEmpty()) {
                return new AppliedObject(ref, Outcome.UNCHANGED, Method.NONE, before);
            }
            method = write(desired, before);
            after = resource.get();
        } catch (KubernetesClientException e) {
            throw new ClusterApplyException(ref, "apply failed (HTTP " + e.getCode() + "): " + e.getMessage(), e);
        }
        if (after == null) {
            throw new ClusterApplyException(ref, "not found when read back after the apply", null);
        }
        missingIn(after, desired).ifPresent(path -> {
            throw new ClusterApplyException(ref, "read back without what the manifest set at " + path, null);
        });
        return new AppliedObject(ref, before == null ? Outcome.CREATED : Outcome.CONFIGURED, method, after);
    }

    /**
     * Server-side apply under the field manager, taking over conflicting fields. An API server without it
     * answers 415 (the Fabric8 mock server in CRUD mode does: it knows JSON, merge and strategic merge
     * patches but not apply patches, and answers 404 to an apply of a missing object); from then on this
     * applier creates missing objects and replaces existing ones (an update at the resourceVersion it read,
     * so a concurrent change fails with 409 instead of being lost).
     */
    private Method write(HasMetadata desired, HasMetadata before) {
        if (serverSideApply) {
            try {
                client.resource(desired)
                        .fieldManager(fieldManager)
                        .forceConflicts()
                        .serverSideApply();
                return Method.SERVER_SIDE_APPLY;
            } catch (KubernetesClientException e) {
                boolean unsupported = e.getCode() == 415 || (before == null && e.getCode() == 404);
                if (!unsupported) {
                    throw e;
                }
                serverSideApply = false;
            }
        }
        if (before == null) {
            client.resource(desired).create();
            return Method.CREATE;
        }
        HasMetadata replacement = client.getKubernetesSerialization().clone(desired);
        replacement.getMetadata().setResourceVersion(before.getMetadata().getResourceVersion());
        client.resource(replacement).update();
        return Method.UPDATE;
    }

    private static boolean isCreateOnly(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations != null && CREATE_ONLY.equals(annotations.get(APPLY_POLICY));
    }

    /** The first path of the desired object that the live one lacks or holds differently, if any. */
    private Optional<String> missingIn(HasMetadata live, HasMetadata desired) {
        JsonNode liveTree = json.valueToTree(client.getKubernetesSerialization().convertValue(live, Map.class));
        JsonNode desiredTree =
                json.valueToTree(client.getKubernetesSerialization().convertValue(desired, Map.class));
        return firstDifference(liveTree, desiredTree, "");
    }

    private static Optional<String> firstDifference(JsonNode live, JsonNode desired, String path) {
        if (desired.isObject()) {
            if (!live.isObject()) {
                return Optional.of(path.isEmpty() ? "(top level)" : path);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode liveChild = live.get(field.getKey());
                if (liveChild == null) {
                    return Optional.of(child);
                }
                Optional<String> difference = firstDifference(liveChild, field.getValue(), child);
                if (difference.isPresent()) {
                    return difference;
                }
            }
            return Optional.empty();
        }
        if (desired.isArray()) {
            if (!live.isArray() || live.size() != desired.size()) {
                return Optional.of(path);
            }
            for (int i = 0; i < desired.size(); i++) {
                Optional<String> difference = firstDifference(live.get(i), desired.get(i), path + "[" + i + "]");
                if (difference.isPresent()) {
                    return difference;
                }
            }
            return Optional.empty();
        }
        return desired.equals(live) ? Optional.empty() : Optional.of(path);
    }
}
