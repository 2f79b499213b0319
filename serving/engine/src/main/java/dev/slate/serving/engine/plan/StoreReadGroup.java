package dev.slate.serving.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.FeatureSlot;
import java.util.List;

/** The features of one entity that a plan reads from the online store, keyed by the entity's key slot. */
public record StoreReadGroup(String entity, int keySlot, int[] slots, List<FeatureSlot> storeSlots) {
    public StoreReadGroup {
        requireNonNull(entity, "entity is null");
        requireNonNull(slots, "slots is null");
        storeSlots = List.copyOf(storeSlots);
    }
}
