package dev.slate.control.deploy.store;

import static java.util.Objects.requireNonNull;

import dev.slate.control.deploy.Deployment;

/**
 * What a committed write left behind.
 *
 * @param deployment the deployment as committed
 * @param unchanged true when an identical deployment already existed (deploy) or the deployment was
 *     already active (activate)
 * @param activated true when this write made the deployment the environment's active one
 * @param revision the environment's activation revision after the write
 */
public record StoreOutcome(Deployment deployment, boolean unchanged, boolean activated, long revision) {
    public StoreOutcome {
        requireNonNull(deployment, "deployment is null");
    }
}
