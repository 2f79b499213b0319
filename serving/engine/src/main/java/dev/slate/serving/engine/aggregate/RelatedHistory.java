package dev.slate.serving.engine.aggregate;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.HistoryObservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rebuilds the versions of related rows from the offline store's history of the related entity
 * ({@link dev.slate.storage.spi.offline.OfflineStore#history}), as docs/specs/aggregations.md ("Offline") defines
 * them: a related row is one instance of the related entity (one key); at time t each of its features has the value
 * of its latest observation at or before t (of two at the same time, the later write), with no staleness bound. Every
 * time one of its observations happens, the row gets a new version, valid until the next one; so at any t exactly one
 * version of a row is current, and a correction or a delete (a re-ingest with another value, or with a null event
 * time or foreign key) replaces the row from its observation time on instead of adding a second one.
 *
 * <p>Feed it the observations in the order the history contract gives (per key, by time then write order), then take
 * {@link #versions()}. A version without a foreign key or event time is left out: it is in no window.
 */
public final class RelatedHistory implements Consumer<HistoryObservation> {

    private final List<FeatureId> features;
    private final int holder;
    private final int time;
    private final List<PointInTimeAggregator.Version> versions = new ArrayList<>();
    private EntityKey key;
    private Object[] state;
    private Instant from;

    /**
     * @param features the features of the history query, by index
     * @param holder the foreign-key feature (among {@code features}) that names the parent
     * @param time the event-time feature (among {@code features})
     */
    public RelatedHistory(List<FeatureId> features, FeatureId holder, FeatureId time) {
        this.features = List.copyOf(features);
        this.holder = this.features.indexOf(requireNonNull(holder, "holder is null"));
        this.time = this.features.indexOf(requireNonNull(time, "time is null"));
        if (this.holder < 0 || this.time < 0) {
            throw new IllegalArgumentException("the foreign key and the event time must be among the features");
        }
    }

    @Override
    public void accept(HistoryObservation o) {
        if (!o.key().equals(key)) {
            flush(null);
            key = o.key();
            state = new Object[features.size()];
            from = o.observedAt();
        } else if (o.observedAt().isAfter(from)) {
            flush(o.observedAt());
            from = o.observedAt();
        } else if (o.observedAt().isBefore(from)) {
            throw new IllegalStateException("history of " + key + " is not in time order");
        }
        state[o.feature()] = o.value();
    }

    /** The versions of every row seen, in no particular order. */
    public List<PointInTimeAggregator.Version> versions() {
        flush(null);
        key = null;
        return versions;
    }

    private void flush(Instant until) {
        if (key == null || state[holder] == null || !(state[time] instanceof Instant ts)) {
            return;
        }
        Map<FeatureId, Object> values = new HashMap<>();
        for (int f = 0; f < state.length; f++) {
            values.put(features.get(f), state[f]);
        }
        versions.add(new PointInTimeAggregator.Version(state[holder], from, until, new RelatedRow(ts, values)));
    }
}
