package dev.slate.appliance.auth;

import dev.slate.auth.access.RoleBinding;
import dev.slate.auth.access.Subject;
import dev.slate.control.access.RoleBindingStore;
import dev.slate.control.access.StoredBinding;
import dev.slate.control.env.EnvironmentChanged;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The role bindings, served from memory so that the query path never waits for PostgreSQL. A request
 * that finds the copy older than {@code slate.auth.bindings-cache-ttl} (2 s) starts a reload in the
 * background and goes on with the copy it has; changes made through this replica reload at once
 * ({@link #reload()}). Each reload that changes something bumps {@link #generation()}, which keys the
 * decisions cached on top of it.
 */
@ApplicationScoped
class RoleBindingCache {

    private static final Logger LOG = Logger.getLogger(RoleBindingCache.class);

    private record Snapshot(List<RoleBinding> bindings, long loadedAtNanos, long generation) {}

    private final RoleBindingStore store;
    private final ExecutorService blocking;
    private final long ttlNanos;
    private final AtomicBoolean reloading = new AtomicBoolean();
    private final AtomicLong generations = new AtomicLong();
    private volatile Snapshot snapshot = new Snapshot(List.of(), Long.MIN_VALUE / 2, 0);

    RoleBindingCache(RoleBindingStore store, ExecutorService blocking, AuthConfig config) {
        this.store = store;
        this.blocking = blocking;
        this.ttlNanos = config.bindingsCacheTtl().toNanos();
    }

    void load(@Observes StartupEvent event) {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warnf("role bindings not loaded at startup (retried on the next request): %s", e.getMessage());
        }
    }

    /** A deleted environment's bindings are gone from the table: forget them here at once. */
    void onEnvironmentChanged(@Observes EnvironmentChanged changed) {
        if (changed.deleted()) {
            reload();
        }
    }

    /** The current bindings; starts a background reload when they are older than the TTL. */
    List<RoleBinding> bindings() {
        Snapshot s = snapshot;
        if (System.nanoTime() - s.loadedAtNanos() > ttlNanos && reloading.compareAndSet(false, true)) {
            try {
                blocking.execute(() -> {
                    try {
                        reload();
                    } catch (RuntimeException e) {
                        LOG.warnf("role bindings not reloaded (keeping the last copy): %s", e.getMessage());
                    } finally {
                        reloading.set(false);
                    }
                });
            } catch (RuntimeException e) {
                reloading.set(false);
            }
        }
        return s.bindings();
    }

    /** Changes when the bindings change. */
    long generation() {
        return snapshot.generation();
    }

    /** Reads the bindings now (blocking). */
    synchronized void reload() {
        List<RoleBinding> fresh = new ArrayList<>();
        for (StoredBinding b : store.all()) {
            try {
                fresh.add(new RoleBinding(Subject.parse(b.subject()), b.environment(), b.role()));
            } catch (IllegalArgumentException e) {
                LOG.warnf(
                        "ignoring a malformed role binding row (%s, %s, %s): %s",
                        b.subject(), b.environment(), b.role(), e.getMessage());
            }
        }
        Snapshot old = snapshot;
        List<RoleBinding> bindings = List.copyOf(fresh);
        long generation = bindings.equals(old.bindings()) ? old.generation() : generations.incrementAndGet();
        snapshot = new Snapshot(bindings, System.nanoTime(), generation);
    }
}
