package dev.slate.storage.spi;

import static java.util.Objects.requireNonNull;

/**
 * Where one feature of an entity lives in a store. {@code version} is a short hash of the feature's
 * definition: a redeployment that changes how a feature is computed starts a new slot, so stale
 * values computed under the old definition are never served.
 */
public record FeatureSlot(String feature, String version, FeatureType type) {
    public FeatureSlot {
        requireNonNull(feature, "feature is null");
        requireNonNull(version, "version is null");
        requireNonNull(type, "type is null");
    }
}
