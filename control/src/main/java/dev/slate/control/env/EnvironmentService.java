package dev.slate.control.env;

import dev.slate.control.deploy.ActiveDeploymentPublisher;
import dev.slate.control.deploy.EnvironmentName;
import dev.slate.control.deploy.EnvironmentNamespaces;
import dev.slate.control.deploy.NamespaceDirectory;
import dev.slate.control.deploy.OnlineDatabases;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.offline.OfflineStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Environments as objects (docs/environments.md): create, list, read, change and delete them. Blocking
 * (JDBC, store drops): call from worker threads. Request errors are {@link SlateException}s.
 *
 * <p>Retention rule: deleting an environment is final. Its deployments, role bindings and materialization
 * marks go in one transaction; then its values in the online store and its history in the offline store are
 * dropped. Only the audit log (append-only) keeps what happened. An environment that serves traffic (has an
 * active deployment) is deleted only with {@code force}, which first stops serving it on every replica.
 */
@ApplicationScoped
public class EnvironmentService {
    private static final Logger LOG = Logger.getLogger(EnvironmentService.class);
    private static final int MAX_DESCRIPTION = 1000;
    private static final Duration DROP_TIMEOUT = Duration.ofSeconds(30);

    private final EnvironmentStore store;
    private final EnvironmentsConfig config;
    private final ActiveDeploymentPublisher publisher;
    private final Instance<OnlineStore> onlineStore;
    private final Instance<OfflineStore> offlineStore;
    private final Event<EnvironmentChanged> changed;
    private final NamespaceDirectory namespaces;
    private final Instance<OnlineDatabases> databases;

    EnvironmentService(
            EnvironmentStore store,
            EnvironmentsConfig config,
            ActiveDeploymentPublisher publisher,
            Instance<OnlineStore> onlineStore,
            Instance<OfflineStore> offlineStore,
            Event<EnvironmentChanged> changed,
            NamespaceDirectory namespaces,
            Instance<OnlineDatabases> databases) {
        this.namespaces = namespaces;
        this.databases = databases;
        this.store = store;
        this.config = config;
        this.publisher = publisher;
        this.onlineStore = onlineStore;
        this.offlineStore = offlineStore;
        this.changed = changed;
    }

    public List<Environment> list() {
        return store.list();
    }

    /** @throws SlateException NOT_FOUND when there is no such environment */
    public Environment get(String name) {
        String env = EnvironmentName.require(name);
        return store.find(env).orElseThrow(() -> notFound(env));
    }

    /**
     * Creates an environment.
     *
     * @param mode the replica mode; {@code AUTOSCALED} needs {@code maxReplicas}
     * @param onlineNamespace the namespace of its Redis keys; default its name
     * @param onlineDatabase a Redis logical database of its own; default the configured one
     * @param offlineNamespace the namespace of its feature-log rows; default its name
     * @param offlineTableNamespace an Iceberg namespace of its own for its feature-log table; default the configured one
     * @throws SlateException INVALID_QUERY for a bad name, description, replica count, namespace or database; CONFLICT when it
     *     exists or another environment has one of its namespaces
     */
    public Environment create(
            String name,
            Optional<String> description,
            Optional<Integer> replicas,
            Optional<ReplicaMode> mode,
            Optional<Integer> maxReplicas,
            Optional<String> onlineNamespace,
            Optional<Integer> onlineDatabase,
            Optional<String> offlineNamespace,
            Optional<String> offlineTableNamespace,
            Optional<String> actor) {
        String env = EnvironmentName.require(name);
        EnvironmentSpec spec = spec(description.orElse(""), replicas.orElse(1), mode, maxReplicas, Optional.empty());
        EnvironmentNamespaces chosen =
                namespaces(env, onlineNamespace, onlineDatabase, offlineNamespace, offlineTableNamespace);
        Environment created;
        try {
            created = store.create(env, spec, chosen, actor)
                    .orElseThrow(
                            () -> new SlateException(ErrorCode.CONFLICT, "environment '" + env + "' exists already"));
        } catch (EnvironmentStore.NamespaceTaken taken) {
            String ns = taken.which().equals("online") ? chosen.online() : chosen.offline();
            throw new SlateException(
                    ErrorCode.CONFLICT,
                    "another environment has the " + taken.which() + " namespace '" + ns + "'; choose another "
                            + taken.which() + "_namespace");
        }
        namespaces.record(env, created.namespaces());
        LOG.infof("environment '%s' created by %s", env, actor.orElse("an anonymous caller"));
        changed.fire(new EnvironmentChanged(env, false));
        return created;
    }

    /**
     * Changes an environment's description or replicas.
     *
     * @throws SlateException NOT_FOUND, INVALID_QUERY for an empty change or values out of bounds
     */
    public Environment patch(String name, EnvironmentPatch patch) {
        String env = EnvironmentName.require(name);
        if (patch.isEmpty()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY, "nothing to change: give description, replicas, mode or max_replicas");
        }
        Environment updated = store.update(
                        env,
                        current -> spec(
                                patch.description().orElse(current.description()),
                                patch.replicas().orElse(current.replicas()),
                                patch.mode()
                                        .or(() -> patch.maxReplicas().isPresent()
                                                ? Optional.of(ReplicaMode.AUTOSCALED)
                                                : Optional.of(current.mode())),
                                patch.maxReplicas(),
                                current.maxReplicas()))
                .orElseThrow(() -> notFound(env));
        changed.fire(new EnvironmentChanged(env, false));
        return updated;
    }

    /**
     * Deletes an environment and its data (see the retention rule above).
     *
     * @param confirm must equal the name
     * @throws SlateException INVALID_QUERY without confirmation, NOT_FOUND, CONFLICT when it serves traffic and
     *     {@code force} is not set
     */
    public Environment delete(String name, Optional<String> confirm, boolean force, Optional<String> actor) {
        String env = EnvironmentName.require(name);
        if (confirm.isEmpty() || !confirm.get().equals(env)) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "deleting environment '" + env + "' removes its deployments, role bindings, "
                            + "online values and offline history; confirm with ?confirm=" + env);
        }
        Environment deleted = switch (store.delete(env, force)) {
            case EnvironmentStore.Deletion.Missing missing -> throw notFound(env);
            case EnvironmentStore.Deletion.Serving serving ->
                throw new SlateException(
                        ErrorCode.CONFLICT,
                        "environment '" + env
                                + "' serves traffic (active deployment "
                                + serving.environment().activeDeploymentId().orElseThrow()
                                + "); add force=true to stop serving it and delete it");
            case EnvironmentStore.Deletion.Deleted done -> done.environment();
        };
        publisher.retire(env);
        dropData(deleted);
        namespaces.forget(env);
        LOG.infof(
                "environment '%s' deleted by %s%s",
                env, actor.orElse("an anonymous caller"), deleted.serves() ? " (it was serving: forced)" : "");
        changed.fire(new EnvironmentChanged(env, true));
        return deleted;
    }

    /** Whether a deployment may create the environment it names (slate.environments.create-on-deploy). */
    public boolean createOnDeploy() {
        return config.createOnDeploy();
    }

    /**
     * The stores are given the environment's name: the appliance's store adapters turn it into the environment's
     * namespaces (and Redis database) through the {@link NamespaceDirectory}, which still knows them here.
     */
    private void dropData(Environment environment) {
        if (onlineStore.isResolvable()) {
            try {
                onlineStore
                        .get()
                        .dropNamespace(environment.name())
                        .toCompletableFuture()
                        .get(DROP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new SlateException(
                        ErrorCode.STORE_UNAVAILABLE,
                        "environment '" + environment.name() + "' was deleted, but its online "
                                + "values could not be dropped (" + e.getClass().getSimpleName()
                                + "); they expire or can be removed under key "
                                + "namespace '" + environment.onlineNamespace() + "'",
                        e);
            }
        }
        if (offlineStore.isResolvable()) {
            try {
                offlineStore.get().dropNamespace(environment.name());
            } catch (RuntimeException e) {
                throw new SlateException(
                        ErrorCode.STORE_UNAVAILABLE,
                        "environment '" + environment.name() + "' was deleted, but its offline "
                                + "history could not be dropped ("
                                + e.getClass().getSimpleName() + ")",
                        e);
            }
        }
    }

    private EnvironmentNamespaces namespaces(
            String env,
            Optional<String> online,
            Optional<Integer> database,
            Optional<String> offline,
            Optional<String> offlineTable) {
        for (Optional<String> ns : List.of(online, offline, offlineTable)) {
            if (ns.isPresent() && !EnvironmentNamespaces.NAME.matcher(ns.get()).matches()) {
                throw new SlateException(
                        ErrorCode.INVALID_QUERY,
                        "a namespace must match " + EnvironmentNamespaces.REGEX
                                + " (lower-case letters, digits, '_' and '-', starting with a letter)");
            }
        }
        if (database.isPresent()) {
            Optional<Integer> max = databases.isResolvable() ? databases.get().maxDatabase() : Optional.empty();
            if (max.isEmpty()) {
                throw new SlateException(
                        ErrorCode.INVALID_QUERY,
                        "online_database cannot be chosen: "
                                + (databases.isResolvable()
                                        ? databases.get().whyNone()
                                        : "the online store offers no logical databases"));
            }
            int limit = Math.min(max.get(), EnvironmentNamespaces.MAX_DATABASE);
            if (database.get() < 0 || database.get() > limit) {
                throw new SlateException(
                        ErrorCode.INVALID_QUERY,
                        "online_database must be between 0 and " + limit + ", got " + database.get());
            }
        }
        return new EnvironmentNamespaces(online.orElse(env), database, offline.orElse(env), offlineTable);
    }

    private EnvironmentSpec spec(
            String description,
            int replicas,
            Optional<ReplicaMode> mode,
            Optional<Integer> maxReplicas,
            Optional<Integer> currentMax) {
        if (description.length() > MAX_DESCRIPTION) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY, "description is longer than " + MAX_DESCRIPTION + " characters");
        }
        int limit = config.maxReplicas();
        if (replicas < 0 || replicas > limit) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "replicas must be between 0 and " + limit + " (slate.environments.max-replicas), got " + replicas);
        }
        ReplicaMode chosen = mode.orElse(maxReplicas.isPresent() ? ReplicaMode.AUTOSCALED : ReplicaMode.FIXED);
        if (chosen == ReplicaMode.FIXED) {
            if (maxReplicas.isPresent()) {
                throw new SlateException(ErrorCode.INVALID_QUERY, "max_replicas applies only to mode 'autoscaled'");
            }
            return new EnvironmentSpec(description, replicas, Optional.empty());
        }
        int max = maxReplicas
                .or(() -> currentMax)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.INVALID_QUERY,
                        "mode 'autoscaled' needs max_replicas (the upper bound; replicas is the lower bound)"));
        if (max < Math.max(1, replicas) || max > limit) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "max_replicas must be between max(1, replicas) = " + Math.max(1, replicas) + " and " + limit
                            + " (slate.environments.max-replicas), got " + max);
        }
        return new EnvironmentSpec(description, replicas, Optional.of(max));
    }

    private static SlateException notFound(String env) {
        return new SlateException(ErrorCode.NOT_FOUND, "there is no environment '" + env + "'");
    }
}
