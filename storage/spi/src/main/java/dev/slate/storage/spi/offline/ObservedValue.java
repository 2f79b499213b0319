package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import java.time.Instant;

/**
 * One observation of one feature of one entity instance, as kept by the offline store: the value (null is
 * a value: the feature was known to have none), when it was true ({@code observedAt}) and where it came
 * from. Observations are never updated in place: a correction is a new observation, and of two
 * observations with the same {@code observedAt} the one appended later wins.
 *
 * <p>{@code value} must be in the canonical Java representation of {@code slot.type()} (see
 * {@link dev.slate.storage.spi.FeatureType}); times are truncated to microseconds and must lie within
 * {@link OfflineTimes#MIN}..{@link OfflineTimes#MAX}.
 *
 * @param namespace the environment, e.g. {@code prod}
 * @param entity the entity class, e.g. {@code user}
 */
public record ObservedValue(
        String namespace,
        String entity,
        EntityKey key,
        FeatureSlot slot,
        Object value,
        Instant observedAt,
        Provenance provenance) {

    public ObservedValue {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(entity, "entity is null");
        requireNonNull(key, "key is null");
        requireNonNull(slot, "slot is null");
        requireNonNull(observedAt, "observedAt is null");
        requireNonNull(provenance, "provenance is null");
        observedAt = OfflineTimes.requireInRange(observedAt, "observedAt");
        value = CanonicalValue.require(slot.type(), value);
    }

    /** An observation of an online-store entity reference (a one-part key). */
    public static ObservedValue of(
            EntityRef ref, FeatureSlot slot, Object value, Instant observedAt, Provenance provenance) {
        return new ObservedValue(ref.namespace(), ref.entity(), EntityKey.of(ref), slot, value, observedAt, provenance);
    }
}
