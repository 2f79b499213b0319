package dev.slate.control.deploy;

import dev.slate.control.ControlConfig;
import dev.slate.control.deploy.store.DeploymentRepository;
import dev.slate.control.deploy.store.EnvironmentState;
import dev.slate.serving.model.ProjectValidationException;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.deploy.EnvironmentRetired;
import dev.slate.serving.model.graph.FeatureGraph;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Publishes each environment's active deployment to serving as the CDI event {@link ActiveDeployment}
 * (fired synchronously, on a worker thread, so observers may block briefly): at startup for every
 * environment, at once after an activation through this replica commits, and after activations by
 * other replicas, which it notices by reading the {@code environments} table every
 * {@code slate.control.poll-interval}.
 *
 * <p>An environment's activation revision only grows, and a deployment is published only for a
 * revision newer than the one already published, so a slow poll never replaces a newer activation.
 * When the active deployment cannot be compiled, the previous snapshot stays published and the
 * failure is reported (see {@link #environments()}, used by the readiness check).
 */
@ApplicationScoped
public class ActiveDeploymentPublisher {
    private static final Logger LOG = Logger.getLogger(ActiveDeploymentPublisher.class);

    private final DeploymentRepository repository;
    private final CompiledProjects compiled;
    private final Event<ActiveDeployment> event;
    private final Event<EnvironmentRetired> retired;
    private final ControlConfig config;
    private final Vertx vertx;
    private final NamespaceDirectory namespaces;

    private final Map<String, EnvironmentSnapshot> snapshots = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile boolean loaded;
    private volatile boolean pollFailing;
    private volatile long timerId = -1;

    public ActiveDeploymentPublisher(
            DeploymentRepository repository,
            CompiledProjects compiled,
            Event<ActiveDeployment> event,
            Event<EnvironmentRetired> retired,
            ControlConfig config,
            Vertx vertx,
            NamespaceDirectory namespaces) {
        this.repository = repository;
        this.namespaces = namespaces;
        this.compiled = compiled;
        this.event = event;
        this.retired = retired;
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent startup) {
        load();
        long every = Math.max(50, config.pollInterval().toMillis());
        timerId = vertx.setPeriodic(every, every, id -> poll());
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        long id = timerId;
        if (id >= 0) {
            vertx.cancelTimer(id);
        }
    }

    /**
     * Reads every environment's active deployment from the database and publishes those newer than
     * what this instance has published; blocks until done. Must not be called on an event loop.
     * Failures are logged (and reported by {@link #loaded()} staying false), never thrown.
     */
    public void load() {
        try {
            VertxContextSupport.subscribeAndAwait(this::refresh);
        } catch (Throwable e) {
            LOG.errorf(
                    "could not load the active deployments from the metadata database (%s); will retry every %s",
                    e.getClass().getSimpleName(), config.pollInterval());
        }
    }

    /**
     * Reads every environment's active deployment and publishes what changed. Needs a safe Vert.x
     * duplicated context (Hibernate Reactive sessions).
     */
    public Uni<Void> refresh() {
        return repository
                .environments()
                .invoke(this::retireMissing)
                .invoke(states -> states.forEach(s -> namespaces.record(s.name(), s.namespaces())))
                .onItem()
                .transformToMulti(states -> Multi.createFrom().iterable(states))
                .filter(this::isNewer)
                .onItem()
                .transformToUniAndConcatenate(this::load)
                .collect()
                .last()
                .invoke(ignored -> loaded = true)
                .replaceWithVoid();
    }

    /** True once a load from the database has completed. */
    public boolean loaded() {
        return loaded;
    }

    /** The active deployment this replica serves for the environment, if any. */
    public Optional<ActiveDeployment> current(String environment) {
        EnvironmentSnapshot snapshot = snapshots.get(environment);
        return snapshot == null ? Optional.empty() : snapshot.active();
    }

    /** Every environment this replica knows an active deployment (or a failure to load one) for, by name. */
    public Map<String, EnvironmentSnapshot> environments() {
        return new TreeMap<>(snapshots);
    }

    /**
     * Publishes an environment's newly activated deployment, unless this instance has already
     * published the same or a newer activation revision.
     *
     * @return true when the event was fired
     */
    synchronized boolean publish(ActiveDeployment active, long revision) {
        String environment = active.environment();
        namespaces.ensure(environment); // serving must know where the environment's values live before it serves it
        EnvironmentSnapshot before = snapshots.get(environment);
        if (before != null && before.revision() >= revision) {
            return false;
        }
        Optional<ActiveDeployment> previous = before == null ? Optional.empty() : before.active();
        try {
            event.fire(active);
        } catch (RuntimeException e) {
            LOG.errorf(
                    e,
                    "serving did not accept deployment %s (version %d) of environment '%s'",
                    active.deploymentId(),
                    active.version(),
                    environment);
            snapshots.put(
                    environment,
                    new EnvironmentSnapshot(
                            environment,
                            revision,
                            previous,
                            Optional.of(new LoadFailure(
                                    UUID.fromString(active.deploymentId()),
                                    active.version(),
                                    "serving did not accept it: " + e.getClass().getSimpleName()))));
            return false;
        }
        snapshots.put(
                environment, new EnvironmentSnapshot(environment, revision, Optional.of(active), Optional.empty()));
        LOG.infof(
                "environment '%s' now serves deployment %s (project %s, version %d)",
                environment, active.deploymentId(), active.graph().project(), active.version());
        return true;
    }

    /**
     * Stops serving a deleted environment on this replica (fires {@link EnvironmentRetired}); other replicas do
     * the same when their poll no longer finds it. Must not be called on an event loop.
     */
    public synchronized void retire(String environment) {
        if (snapshots.remove(environment) != null) {
            retired.fire(new EnvironmentRetired(environment));
            LOG.infof("environment '%s' was deleted: no longer served", environment);
        }
    }

    private void retireMissing(List<EnvironmentState> states) {
        Set<String> present = states.stream().map(EnvironmentState::name).collect(Collectors.toSet());
        List<String> gone = snapshots.keySet().stream()
                .filter(name -> !present.contains(name))
                .toList();
        if (!gone.isEmpty()) {
            // observers may block briefly: leave the event loop the poll runs on
            vertx.executeBlocking(
                    () -> {
                        gone.forEach(this::retire);
                        return null;
                    },
                    false);
        }
    }

    private synchronized void recordFailure(String environment, long revision, LoadFailure failure) {
        EnvironmentSnapshot before = snapshots.get(environment);
        if (before != null && before.revision() >= revision) {
            return;
        }
        LOG.errorf(
                "environment '%s': active deployment %s (version %d) cannot be served: %s; keeping the previous one",
                environment, failure.deploymentId(), failure.version(), failure.reason());
        Optional<ActiveDeployment> previous = before == null ? Optional.empty() : before.active();
        snapshots.put(environment, new EnvironmentSnapshot(environment, revision, previous, Optional.of(failure)));
    }

    private boolean isNewer(EnvironmentState state) {
        if (state.activeDeploymentId().isEmpty()) {
            return false;
        }
        EnvironmentSnapshot known = snapshots.get(state.name());
        return known == null || known.revision() < state.revision();
    }

    private Uni<Void> load(EnvironmentState state) {
        return repository.findById(state.activeDeploymentId().orElseThrow()).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem(); // cannot happen: a foreign key guards the reference
            }
            Deployment deployment = found.get().deployment();
            Map<String, String> files = found.get().files();
            return VertxContextSupport.executeBlocking(() -> compileAndPublish(state, deployment, files))
                    .replaceWithVoid();
        });
    }

    /** Runs on a worker thread: compiling blocks, and so may serving's observers. */
    private boolean compileAndPublish(EnvironmentState state, Deployment deployment, Map<String, String> files) {
        FeatureGraph graph;
        try {
            graph = compiled.compileStored(deployment.contentHash(), files);
        } catch (ProjectValidationException e) {
            String reason = "it does not compile with this version of Slate: "
                    + e.problems().stream()
                            .limit(5)
                            .map(p -> p.code() + " at " + p.location())
                            .collect(Collectors.joining(", "));
            recordFailure(
                    state.name(), state.revision(), new LoadFailure(deployment.id(), deployment.version(), reason));
            return false;
        }
        return publish(toActive(deployment, graph), state.revision());
    }

    static ActiveDeployment toActive(Deployment deployment, FeatureGraph graph) {
        return new ActiveDeployment(
                deployment.environment(),
                deployment.id().toString(),
                deployment.version(),
                graph,
                deployment.activatedAt().orElse(deployment.createdAt()));
    }

    private void poll() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        // Hibernate Reactive sessions need a safe (isolated) duplicated context; timers run on a root one
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(start -> refresh()
                .subscribe()
                .with(
                        done -> {
                            refreshing.set(false);
                            if (pollFailing) {
                                pollFailing = false;
                                LOG.info("reading the active deployments from the metadata database works again");
                            }
                        },
                        failure -> {
                            refreshing.set(false);
                            if (!pollFailing) { // once per outage, not every poll
                                pollFailing = true;
                                LOG.warnf(
                                        "could not read the active deployments from the metadata database (%s: %s); retrying every %s",
                                        failure.getClass().getSimpleName(),
                                        failure.getMessage(),
                                        config.pollInterval());
                            }
                        }));
    }
}
