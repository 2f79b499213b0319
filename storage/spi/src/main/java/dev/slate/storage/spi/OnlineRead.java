package dev.slate.storage.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The slots to read for one entity. */
public record OnlineRead(EntityRef entity, List<FeatureSlot> slots) {
    public OnlineRead {
        requireNonNull(entity, "entity is null");
        slots = List.copyOf(slots);
    }
}
