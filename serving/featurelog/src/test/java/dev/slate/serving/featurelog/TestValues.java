package dev.slate.serving.featurelog;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

final class TestValues {
    static final Instant T0 = Instant.parse("2026-11-01T12:00:00.123456Z");
    static final FeatureSlot SCORE = new FeatureSlot("score", "v1a2", FeatureType.Scalar.INT);

    private TestValues() {}

    /** Value {@code i} of a numbered sequence: user i, score i * 7, observed i microseconds after T0. */
    static ObservedValue numbered(long i) {
        return new ObservedValue(
                "prod",
                "user",
                EntityKey.of(i),
                SCORE,
                i * 7,
                T0.plusNanos(i * 1000),
                Provenance.computed("q_" + i, "profile", "dep-1"));
    }

    static List<ObservedValue> range(long from, long to) {
        List<ObservedValue> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(numbered(i));
        }
        return out;
    }
}
