package dev.slate.serving.engine.query;

import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.graph.FeatureGraph;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active snapshot per environment. A new deployment replaces the snapshot in one atomic step:
 * a request in flight keeps the snapshot it started with, the next request sees the new one.
 */
public final class ServingState {

    /** Replaced graphs remembered for {@link #environmentOf}: requests in flight may still run them. */
    static final int RETIRED_GRAPHS = 64;

    private record Retired(FeatureGraph graph, String environment) {}

    private record BranchKey(String environment, String branch) {}

    /**
     * A branch of an environment (docs/environments.md, "Branches"): the snapshot that serves requests naming it, and
     * the role a caller must hold in the environment to name it (empty: none beyond querying there).
     */
    public record Branch(String name, ServingSnapshot snapshot, Optional<String> role) {}

    private final Map<String, ServingSnapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<BranchKey, Branch> branches = new ConcurrentHashMap<>();
    private final Deque<Retired> retired = new ArrayDeque<>();

    public void install(ActiveDeployment deployment) {
        ServingSnapshot[] replaced = new ServingSnapshot[1];
        snapshots.compute(deployment.environment(), (env, current) -> {
            if (current != null
                    && current.deployment().deploymentId().equals(deployment.deploymentId())
                    && current.deployment()
                            .graph()
                            .contentHash()
                            .equals(deployment.graph().contentHash())) {
                return current;
            }
            replaced[0] = current;
            return new ServingSnapshot(deployment);
        });
        if (replaced[0] != null) {
            retire(replaced[0]);
        }
    }

    /** Stops serving an environment (it was deleted) and its branches; requests in flight keep the snapshot they hold. */
    public void remove(String environment) {
        ServingSnapshot removed = snapshots.remove(environment);
        if (removed != null) {
            retire(removed);
        }
        branches.keySet().removeIf(k -> k.environment().equals(environment));
    }

    /**
     * Makes {@code deployment} serve the branch {@code branch} of its environment. Never touches what the environment
     * itself serves ({@link #snapshot}).
     */
    public void installBranch(String branch, ActiveDeployment deployment, Optional<String> role) {
        BranchKey key = new BranchKey(deployment.environment(), branch);
        Branch[] replaced = new Branch[1];
        branches.compute(key, (k, current) -> {
            if (current != null
                    && current.snapshot().deployment().deploymentId().equals(deployment.deploymentId())
                    && current.snapshot()
                            .deployment()
                            .graph()
                            .contentHash()
                            .equals(deployment.graph().contentHash())) {
                return current.role().equals(role) ? current : new Branch(branch, current.snapshot(), role);
            }
            replaced[0] = current;
            return new Branch(branch, new ServingSnapshot(deployment), role);
        });
        if (replaced[0] != null) {
            retire(replaced[0].snapshot());
        }
    }

    /** Stops serving a branch (it was deleted). */
    public void removeBranch(String environment, String branch) {
        Branch removed = branches.remove(new BranchKey(environment, branch));
        if (removed != null) {
            retire(removed.snapshot());
        }
    }

    /** The branch {@code branch} of {@code environment}, if this replica serves it. */
    public Optional<Branch> branch(String environment, String branch) {
        return Optional.ofNullable(branches.get(new BranchKey(environment, branch)));
    }

    public Optional<ServingSnapshot> snapshot(String environment) {
        return Optional.ofNullable(snapshots.get(environment));
    }

    public Map<String, ServingSnapshot> all() {
        return Map.copyOf(snapshots);
    }

    /**
     * The environment a graph serves (or served, for a recently replaced one), found by identity: two
     * environments serving equal projects still have their own graph objects, and so their own secrets.
     */
    public Optional<String> environmentOf(FeatureGraph graph) {
        for (Map.Entry<String, ServingSnapshot> e : snapshots.entrySet()) {
            if (e.getValue().deployment().graph() == graph) {
                return Optional.of(e.getKey());
            }
        }
        for (Branch b : branches.values()) { // a branch resolves the secrets of its environment
            if (b.snapshot().deployment().graph() == graph) {
                return Optional.of(b.snapshot().deployment().environment());
            }
        }
        synchronized (retired) {
            for (Retired r : retired) {
                if (r.graph() == graph) {
                    return Optional.of(r.environment());
                }
            }
        }
        return Optional.empty();
    }

    private void retire(ServingSnapshot snapshot) {
        synchronized (retired) {
            retired.addFirst(new Retired(
                    snapshot.deployment().graph(), snapshot.deployment().environment()));
            while (retired.size() > RETIRED_GRAPHS) {
                retired.removeLast();
            }
        }
    }
}
