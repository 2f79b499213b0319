package dev.slate.engine.query;

import dev.slate.model.deploy.ActiveDeployment;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active snapshot per environment. A new deployment replaces the snapshot in one atomic step:
 * a request in flight keeps the snapshot it started with, the next request sees the new one.
 */
public final class ServingState {

    private final Map<String, ServingSnapshot> snapshots = new ConcurrentHashMap<>();

    public void install(ActiveDeployment deployment) {
        snapshots.compute(deployment.environment(), (env, current) ->
                current != null && current.deployment().deploymentId().equals(deployment.deploymentId())
                        && current.deployment().graph().contentHash().equals(deployment.graph().contentHash())
                        ? current : new ServingSnapshot(deployment));
    }

    /** Stops serving an environment (it was deleted); requests in flight keep the snapshot they hold. */
    public void remove(String environment) {
        snapshots.remove(environment);
    }

    public Optional<ServingSnapshot> snapshot(String environment) {
        return Optional.ofNullable(snapshots.get(environment));
    }

    public Map<String, ServingSnapshot> all() {
        return Map.copyOf(snapshots);
    }
}
