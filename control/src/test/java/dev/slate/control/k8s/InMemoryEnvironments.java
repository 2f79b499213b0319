package dev.slate.control.k8s;

import dev.slate.control.env.Environment;
import dev.slate.control.env.EnvironmentStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The metadata database as the reconciler sees it, in memory: environments in, status out. */
final class InMemoryEnvironments implements Reconciler.EnvironmentSource, Reconciler.StatusSink {
    private final Map<String, Environment> environments = new ConcurrentHashMap<>();
    final AtomicInteger statusWrites = new AtomicInteger();

    void put(Environment environment) {
        Environment before = environments.get(environment.name());
        environments.put(environment.name(), before == null ? environment : withStatus(environment, before.status()));
    }

    void remove(String name) {
        environments.remove(name);
    }

    Environment get(String name) {
        return environments.get(name);
    }

    @Override
    public List<Environment> list() {
        return environments.values().stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .toList();
    }

    @Override
    public Optional<Environment> find(String name) {
        return Optional.ofNullable(environments.get(name));
    }

    @Override
    public void write(String environment, EnvironmentStatus status) {
        statusWrites.incrementAndGet();
        environments.computeIfPresent(environment, (name, e) -> withStatus(e, status));
    }

    private static Environment withStatus(Environment e, EnvironmentStatus status) {
        return new Environment(
                e.name(),
                e.spec(),
                e.generation(),
                e.activeDeploymentId(),
                e.revision(),
                e.createdAt(),
                e.createdBy(),
                e.updatedAt(),
                status);
    }
}
