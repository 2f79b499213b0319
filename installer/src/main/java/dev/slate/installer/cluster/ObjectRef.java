package dev.slate.installer.cluster;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Which object: API version, kind, namespace (empty for cluster-scoped kinds) and name. */
public record ObjectRef(String apiVersion, String kind, String namespace, String name) {
    public ObjectRef {
        requireNonNull(apiVersion, "apiVersion is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
    }

    static ObjectRef of(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return new ObjectRef(
                object.getApiVersion(),
                object.getKind(),
                namespace == null ? "" : namespace,
                object.getMetadata().getName());
    }

    @Override
    public String toString() {
        return kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
