package dev.slate.control.env;

import static java.util.Objects.requireNonNull;

import dev.slate.control.deploy.EnvironmentNamespaces;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * An environment (docs/environments.md): its declared {@link EnvironmentSpec}, the deployment it serves,
 * and what the reconciler observed ({@link EnvironmentStatus}).
 *
 * @param generation bumped on every change of the spec
 * @param revision bumped on every activation of a deployment
 */
public record Environment(
        String name,
        EnvironmentSpec spec,
        long generation,
        Optional<UUID> activeDeploymentId,
        long revision,
        Instant createdAt,
        Optional<String> createdBy,
        Instant updatedAt,
        EnvironmentStatus status,
        EnvironmentNamespaces namespaces) {
    public Environment {
        requireNonNull(namespaces, "namespaces is null");
        requireNonNull(name, "name is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(activeDeploymentId, "activeDeploymentId is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(status, "status is null");
    }

    /** An environment with the default namespaces (its name, in the configured Redis database). */
    public Environment(
            String name,
            EnvironmentSpec spec,
            long generation,
            Optional<UUID> activeDeploymentId,
            long revision,
            Instant createdAt,
            Optional<String> createdBy,
            Instant updatedAt,
            EnvironmentStatus status) {
        this(
                name,
                spec,
                generation,
                activeDeploymentId,
                revision,
                createdAt,
                createdBy,
                updatedAt,
                status,
                EnvironmentNamespaces.of(name));
    }

    /**
     * The environment's namespace in the online store: the {@code namespace} part of every Redis key
     * ({@code {prefix}:{namespace}:{entity}:…}, docs/specs/online-store-redis.md), chosen at create (default: the
     * name); two environments never share one (docs/environments.md, "Namespaces").
     */
    public String onlineNamespace() {
        return namespaces.online();
    }

    /** The Redis logical database of the environment's online values; empty: the configured one. */
    public Optional<Integer> onlineDatabase() {
        return namespaces.onlineDatabase();
    }

    /** The environment's namespace in the offline store: the {@code namespace} column of the feature log (docs/specs/offline-store-iceberg.md). */
    public String offlineNamespace() {
        return namespaces.offline();
    }

    /** The Iceberg namespace of the environment's own feature-log table; empty: the configured table. */
    public Optional<String> offlineTableNamespace() {
        return namespaces.offlineTableNamespace();
    }

    /** True while the environment serves traffic: it has an active deployment. */
    public boolean serves() {
        return activeDeploymentId.isPresent();
    }
}
