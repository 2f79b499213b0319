package dev.slate.serving.engine.materialize;

import java.util.List;
import java.util.Optional;

/**
 * A reverse-ETL run of one environment.
 *
 * @param features qualified feature names to load; empty: every feature marked {@code etl_offline_to_online}
 * @param full read the whole offline store instead of only what was added since the previous run (e.g. after
 *     the online store was emptied)
 */
public record MaterializeRequest(Optional<List<String>> features, boolean full) {
    public MaterializeRequest {
        features = features.map(List::copyOf);
    }

    /** Every marked feature, incrementally. */
    public static MaterializeRequest marked() {
        return new MaterializeRequest(Optional.empty(), false);
    }
}
