package dev.slate.control.k8s;

import static java.util.Objects.requireNonNull;

import dev.slate.control.env.Environment;
import dev.slate.control.env.EnvironmentCondition;
import dev.slate.control.env.EnvironmentStatus;
import dev.slate.control.env.ReplicaMode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Makes the cluster hold each environment's {@link DesiredObjects} (docs/environments.md, "Cluster mode").
 * Objects are applied with server-side apply under the field manager {@value #FIELD_MANAGER}, forcing
 * conflicts (this manager owns the fields it sets; an edit by another manager is overwritten at the next
 * reconciliation). What it observed is written back as the environment's {@link EnvironmentStatus}.
 *
 * <p>Time-driven and single-threaded: {@link #runDue(Instant)} does what is due at that instant (a resync of
 * every environment each {@code resync} period, environments {@linkplain #request requested} by changes and
 * watch events, retries after failures with {@link Backoff}), so tests drive it with explicit instants.
 * Nothing is kept only in memory: the desired state is PostgreSQL's, so a crash loses nothing.
 */
public final class Reconciler {
    public static final String FIELD_MANAGER = "slate-control";
    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    /** Where environments come from (the metadata database). */
    public interface EnvironmentSource {
        List<Environment> list();

        Optional<Environment> find(String name);
    }

    /** Where observed status goes (the metadata database). */
    public interface StatusSink {
        void write(String environment, EnvironmentStatus status);
    }

    /** What one reconciliation of an environment did. */
    public sealed interface Outcome {
        record Applied(Environment environment, int readyReplicas, boolean ready) implements Outcome {}

        record Removed(String environment, int namespaces) implements Outcome {}

        record Failed(String environment, String reason, Duration retryIn) implements Outcome {}
    }

    private final KubernetesClient client;
    private final ClusterSettings settings;
    private final EnvironmentSource source;
    private final StatusSink sink;
    private final Backoff backoff;
    private final Duration resync;
    private final Clock clock;

    private final Map<String, Instant> due = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Environment> known = new ConcurrentHashMap<>();
    private final Map<String, Integer> readyReplicas = new ConcurrentHashMap<>();
    private volatile Instant nextResync = Instant.MIN;
    private volatile boolean serverSideApply = true;
    private int resyncFailures;

    public Reconciler(
            KubernetesClient client,
            ClusterSettings settings,
            EnvironmentSource source,
            StatusSink sink,
            Backoff backoff,
            Duration resync,
            Clock clock) {
        this.client = requireNonNull(client, "client is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.source = requireNonNull(source, "source is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.resync = requireNonNull(resync, "resync is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Asks for the environment to be reconciled at the next {@link #runDue}, unless it is backing off after a failure. */
    public void request(String environment) {
        due.merge(environment, Instant.MIN, (current, asked) -> current);
    }

    /** Whether the environment waits to be reconciled (for tests). */
    public boolean isRequested(String environment) {
        return due.containsKey(environment);
    }

    /** The environment as last reconciled, if it was (for watch events: no database call on the watch thread). */
    public Optional<Environment> lastApplied(String environment) {
        return Optional.ofNullable(known.get(environment));
    }

    /**
     * A watch event about an environment's serving Deployment: asks for a reconciliation when the object drifted
     * from what was applied (replicas, image, generation) or its ready replicas changed (for the status), so the
     * reconciler's own applies do not loop.
     */
    public void observed(Deployment deployment, boolean deleted) {
        Map<String, String> labels = deployment.getMetadata() == null
                ? null
                : deployment.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(DesiredObjects.ENVIRONMENT);
        if (name == null) {
            return;
        }
        Environment applied = known.get(name);
        if (deleted
                || applied == null
                || Drift.drifted(
                        deployment,
                        DesiredObjects.deployment(applied, settings),
                        readyReplicas.getOrDefault(name, 0))) {
            request(name);
        }
    }

    /** Does everything due at {@code now}: a resync when its period has passed, then each due environment. */
    public synchronized List<Outcome> runDue(Instant now) {
        if (!now.isBefore(nextResync)) {
            resync(now);
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Map.Entry<String, Instant> entry : List.copyOf(due.entrySet())) {
            if (!entry.getValue().isAfter(now) && due.remove(entry.getKey(), entry.getValue())) {
                outcomes.add(reconcile(entry.getKey(), now));
            }
        }
        return outcomes;
    }

    /** Every environment of the database becomes due; namespaces of environments that no longer exist are removed. */
    private void resync(Instant now) {
        try {
            List<Environment> environments = source.list();
            Set<String> names = new HashSet<>();
            for (Environment environment : environments) {
                names.add(environment.name());
                if (!failures.containsKey(environment.name())) {
                    request(environment.name());
                }
            }
            for (Namespace namespace : client.namespaces()
                    .withLabel(DesiredObjects.MANAGED_BY, DesiredObjects.MANAGER)
                    .list()
                    .getItems()) {
                String owner = namespace.getMetadata().getLabels().get(DesiredObjects.ENVIRONMENT);
                if (owner != null && !names.contains(owner)) {
                    request(owner); // gone from the database: its reconciliation removes it
                }
            }
            if (resyncFailures > 0) {
                LOG.infof("cluster resync works again after %d failed attempts", resyncFailures);
            }
            resyncFailures = 0;
            nextResync = now.plus(resync);
        } catch (RuntimeException e) {
            resyncFailures++;
            Duration wait = backoff.after(resyncFailures);
            nextResync = now.plus(wait.compareTo(resync) < 0 ? wait : resync);
            logFailure(resyncFailures, "cluster resync failed (" + describe(e) + "); retrying in " + wait, e);
        }
    }

    /** Reconciles one environment now. Never throws: a failure is recorded, logged once per outage and retried later. */
    public Outcome reconcile(String name, Instant now) {
        Optional<Environment> environment = Optional.empty();
        try {
            environment = source.find(name);
            Outcome outcome = environment.isPresent() ? apply(environment.get(), now) : remove(name);
            Integer failed = failures.remove(name);
            if (failed != null) {
                LOG.infof("environment '%s' reconciles again after %d failed attempts", name, failed);
            }
            return outcome;
        } catch (RuntimeException e) {
            int count = failures.merge(name, 1, Integer::sum);
            Duration wait = backoff.after(count);
            due.put(name, now.plus(wait));
            String reason =
                    e instanceof KubernetesClientException k && k.getCode() == 409 ? "Conflict" : "ApiUnavailable";
            logFailure(
                    count, "environment '" + name + "' not reconciled (" + describe(e) + "); retrying in " + wait, e);
            environment.ifPresent(env -> recordFailure(env, reason, describe(e), now));
            return new Outcome.Failed(name, reason, wait);
        }
    }

    private Outcome apply(Environment environment, Instant now) {
        String namespace = DesiredObjects.namespaceName(environment.name(), settings);
        // the status as it is: applying never changes it (the API server keeps status apart from spec)
        Deployment observed = client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(DesiredObjects.NAME)
                .get();
        for (HasMetadata object : DesiredObjects.all(environment, settings)) {
            apply(object);
        }
        if (environment.spec().mode() == ReplicaMode.FIXED) {
            client.autoscaling()
                    .v2()
                    .horizontalPodAutoscalers()
                    .inNamespace(namespace)
                    .withName(DesiredObjects.NAME)
                    .delete();
        }
        int ready = observed == null
                        || observed.getStatus() == null
                        || observed.getStatus().getReadyReplicas() == null
                ? 0
                : observed.getStatus().getReadyReplicas();
        int wanted = environment.spec().mode() == ReplicaMode.FIXED
                ? environment.spec().replicas()
                : Math.max(1, environment.spec().replicas());
        boolean isReady = ready >= wanted;
        List<EnvironmentCondition> conditions = List.of(
                condition(environment, "Reconciled", true, "Applied", "every object applied by " + FIELD_MANAGER, now),
                condition(
                        environment,
                        "Ready",
                        isReady,
                        isReady ? "ReplicasReady" : "ReplicasNotReady",
                        ready + " of " + wanted + " serving replicas ready",
                        now));
        sink.write(
                environment.name(),
                new EnvironmentStatus(
                        Optional.of(environment.generation()), Optional.of(ready), conditions, Optional.of(now)));
        known.put(environment.name(), environment);
        readyReplicas.put(environment.name(), ready);
        return new Outcome.Applied(environment, ready, isReady);
    }

    /**
     * Server-side apply under {@value #FIELD_MANAGER}, forcing conflicts. Two fallbacks for API servers that do not
     * implement it fully (the Fabric8 mock server in CRUD mode answers 415 to an apply and 404 to an apply of a
     * missing object): after a 415, this reconciler replaces its objects instead (an update of the whole object,
     * which takes back fields other managers set); a 404 creates the object.
     */
    private void apply(HasMetadata object) {
        try {
            if (serverSideApply) {
                client.resource(object)
                        .fieldManager(FIELD_MANAGER)
                        .forceConflicts()
                        .serverSideApply();
            } else {
                client.resource(object).update();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 415 && serverSideApply) {
                serverSideApply = false;
                LOG.warn(
                        "the Kubernetes API server does not accept server-side apply (HTTP 415): replacing objects instead");
                apply(object);
            } else if (e.getCode() == 404) {
                client.resource(object).create();
            } else {
                throw e;
            }
        }
    }

    /**
     * Removes what an environment that no longer exists left in the cluster: its objects, then its namespace.
     * (A real API server also removes a namespace's objects with it; deleting them first keeps this correct
     * where it does not, e.g. the Fabric8 mock server.)
     */
    private Outcome remove(String name) {
        known.remove(name);
        readyReplicas.remove(name);
        List<Namespace> namespaces = client.namespaces()
                .withLabel(DesiredObjects.MANAGED_BY, DesiredObjects.MANAGER)
                .withLabel(DesiredObjects.ENVIRONMENT, name)
                .list()
                .getItems();
        for (Namespace namespace : namespaces) {
            String ns = namespace.getMetadata().getName();
            client.autoscaling()
                    .v2()
                    .horizontalPodAutoscalers()
                    .inNamespace(ns)
                    .withLabel(DesiredObjects.ENVIRONMENT, name)
                    .delete();
            client.network()
                    .v1()
                    .networkPolicies()
                    .inNamespace(ns)
                    .withLabel(DesiredObjects.ENVIRONMENT, name)
                    .delete();
            client.policy()
                    .v1()
                    .podDisruptionBudget()
                    .inNamespace(ns)
                    .withLabel(DesiredObjects.ENVIRONMENT, name)
                    .delete();
            client.services()
                    .inNamespace(ns)
                    .withLabel(DesiredObjects.ENVIRONMENT, name)
                    .delete();
            client.apps()
                    .deployments()
                    .inNamespace(ns)
                    .withLabel(DesiredObjects.ENVIRONMENT, name)
                    .delete();
            client.configMaps()
                    .inNamespace(ns)
                    .withLabel(DesiredObjects.ENVIRONMENT, name)
                    .delete();
            client.namespaces().withName(ns).delete();
        }
        if (!namespaces.isEmpty()) {
            LOG.infof(
                    "environment '%s' no longer exists: removed %d namespace(s) from the cluster",
                    name, namespaces.size());
        }
        return new Outcome.Removed(name, namespaces.size());
    }

    private void recordFailure(Environment environment, String reason, String message, Instant now) {
        try {
            List<EnvironmentCondition> conditions = new ArrayList<>();
            conditions.add(condition(environment, "Reconciled", false, reason, message, now));
            environment.status().condition("Ready").ifPresent(conditions::add);
            sink.write(
                    environment.name(),
                    new EnvironmentStatus(
                            environment.status().observedGeneration(),
                            environment.status().readyReplicas(),
                            conditions,
                            Optional.of(now)));
        } catch (RuntimeException e) {
            LOG.debugf("could not record the failure of environment '%s': %s", environment.name(), e.getMessage());
        }
    }

    /** A condition; its transition time stays the previous one while its status does not change. */
    private static EnvironmentCondition condition(
            Environment environment, String type, boolean value, String reason, String message, Instant now) {
        String status = value ? "True" : "False";
        Instant since = environment
                .status()
                .condition(type)
                .filter(c -> c.status().equals(status))
                .map(EnvironmentCondition::lastTransitionTime)
                .orElse(now);
        return new EnvironmentCondition(type, status, reason, message, since);
    }

    /** The first failure of an outage is a warning; the retries are debug lines, so an unreachable API server floods nothing. */
    private static void logFailure(int count, String message, RuntimeException e) {
        if (count == 1) {
            LOG.warn(message);
        } else {
            LOG.debug(message, e);
        }
    }

    private static String describe(RuntimeException e) {
        String message = e instanceof KubernetesClientException k && k.getCode() > 0
                ? "HTTP " + k.getCode() + " " + shortMessage(k)
                : e.getClass().getSimpleName() + ": " + shortMessage(e);
        return message;
    }

    private static String shortMessage(Throwable e) {
        String m = Objects.requireNonNullElse(e.getMessage(), "");
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }

    /** For the clock in production. */
    public Instant now() {
        return clock.instant();
    }
}
