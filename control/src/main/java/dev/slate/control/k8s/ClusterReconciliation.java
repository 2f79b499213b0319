package dev.slate.control.k8s;

import dev.slate.control.env.Environment;
import dev.slate.control.env.EnvironmentChanged;
import dev.slate.control.env.EnvironmentStore;
import dev.slate.serving.model.deploy.ActiveDeployment;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the {@link Reconciler} in cluster mode ({@code slate.cluster.enabled=true}): one thread ticking every
 * {@value #TICK_MILLIS} ms, a watch on the serving Deployments (drift and readiness), and environment changes
 * made through this replica. In standalone mode it does nothing at all: no Kubernetes client is created, so no
 * request ever leaves for an API server.
 */
@ApplicationScoped
public class ClusterReconciliation {
    static final long TICK_MILLIS = 250;
    private static final Logger LOG = Logger.getLogger(ClusterReconciliation.class);

    private final ClusterConfig config;
    private final Reconciler.EnvironmentSource source;
    private final Reconciler.StatusSink sink;
    private final KubernetesClients clients;

    private volatile Reconciler reconciler;
    private volatile KubernetesClient client;
    private volatile Watch watch;
    private ScheduledExecutorService ticker;
    private Instant nextWatchAttempt = Instant.MIN;

    @Inject
    ClusterReconciliation(ClusterConfig config, EnvironmentStore store) {
        this(
                config,
                new Reconciler.EnvironmentSource() {
                    @Override
                    public List<Environment> list() {
                        return store.list();
                    }

                    @Override
                    public Optional<Environment> find(String name) {
                        return store.find(name);
                    }
                },
                store::writeStatus,
                KubernetesClients::fromEnvironment);
    }

    /** For tests: environments, status and a client factory of their own (which standalone mode must never call). */
    public ClusterReconciliation(
            ClusterConfig config,
            Reconciler.EnvironmentSource source,
            Reconciler.StatusSink sink,
            KubernetesClients clients) {
        this.config = config;
        this.source = source;
        this.sink = sink;
        this.clients = clients;
    }

    void onStart(@Observes StartupEvent startup) {
        start();
    }

    /** Starts reconciling when cluster mode is on; otherwise does nothing. */
    public synchronized void start() {
        if (!config.enabled()) {
            LOG.debug("standalone mode (slate.cluster.enabled=false): no Kubernetes reconciler");
            return;
        }
        if (reconciler != null) {
            return;
        }
        client = clients.create();
        reconciler = new Reconciler(
                client,
                ClusterSettings.of(config),
                source,
                sink,
                new Backoff(config.initialBackoff(), config.maxBackoff()),
                config.resyncPeriod(),
                Clock.systemUTC());
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slate-reconciler");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.infof(
                "cluster mode: reconciling environments into namespaces %s<environment> (resync every %s)",
                config.namespacePrefix(), config.resyncPeriod());
    }

    void onChanged(@Observes EnvironmentChanged changed) {
        Reconciler r = reconciler;
        if (r != null) {
            r.request(changed.environment());
        }
    }

    /** An activation changes the ConfigMap's active deployment id. */
    void onActivated(@Observes ActiveDeployment activated) {
        onChanged(new EnvironmentChanged(activated.environment(), false));
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        stop();
    }

    public synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (watch != null) {
            watch.close();
        }
        if (client != null) {
            client.close();
        }
        reconciler = null;
    }

    /** The running reconciler; empty in standalone mode. */
    public Optional<Reconciler> reconciler() {
        return Optional.ofNullable(reconciler);
    }

    private void tick() {
        try {
            Reconciler r = reconciler;
            if (r == null) {
                return;
            }
            Instant now = r.now();
            ensureWatch(r, now);
            r.runDue(now);
        } catch (RuntimeException e) {
            LOG.errorf(e, "reconciler tick failed");
        }
    }

    /** (Re)opens the watch when it is closed, at most once per resync period while the API server refuses. */
    private void ensureWatch(Reconciler r, Instant now) {
        if (watch != null || now.isBefore(nextWatchAttempt)) {
            return;
        }
        nextWatchAttempt = now.plus(config.resyncPeriod());
        try {
            watch = client.apps()
                    .deployments()
                    .inAnyNamespace()
                    .withLabel(DesiredObjects.MANAGED_BY, DesiredObjects.MANAGER)
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, Deployment deployment) {
                            r.observed(deployment, action == Action.DELETED);
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                            LOG.debugf(
                                    "watch on serving deployments closed (%s); reopened at the next resync",
                                    cause.getMessage());
                            watch = null;
                        }
                    });
        } catch (RuntimeException e) {
            LOG.debugf("could not watch serving deployments (%s); retrying at the next resync", e.getMessage());
        }
    }
}
