package dev.slate.serving.engine.exec;

import dev.slate.serving.engine.aggregate.RelatedRow;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.Values;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows of a {@code many: true} resolver as related rows: columns to the related entity's features, canonical values. */
final class RelatedRows {
    private RelatedRows() {}

    /** @throws dev.slate.storage.spi.ValueConversionException when a column does not fit its feature's type */
    static List<RelatedRow> of(FeatureGraph graph, ResolverNode rows, FeatureId time, List<Map<String, Object>> raw) {
        int n = rows.outputs().size();
        String[] columns = new String[n];
        FeatureId[] features = new FeatureId[n];
        FeatureType[] types = new FeatureType[n];
        for (int i = 0; i < n; i++) {
            ResolverNode.Output o = rows.outputs().get(i);
            columns[i] = o.column();
            features[i] = o.feature();
            FeatureNode node = graph.features().get(o.feature());
            types[i] = node == null ? null : node.type();
        }
        List<RelatedRow> out = new ArrayList<>(raw.size());
        for (Map<String, Object> r : raw) {
            Map<FeatureId, Object> values = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                Object v = r.get(columns[i]);
                values.put(features[i], v == null || types[i] == null ? v : Values.coerce(types[i], v));
            }
            out.add(new RelatedRow((Instant) values.get(time), values));
        }
        return out;
    }

    /**
     * The listing of {@code rows}: those with an event time at or before {@code now}, newest first (rows with the
     * same time keep the order the source gave), at most {@code limit}, each as an object of {@code fields} by
     * feature name.
     */
    static RelatedRowList listing(List<RelatedRow> rows, List<FeatureId> fields, int limit, Instant now) {
        List<RelatedRow> kept = new ArrayList<>(Math.min(rows.size(), limit + 1));
        for (RelatedRow r : rows) {
            if (r.time() != null && !r.time().isAfter(now)) {
                kept.add(r);
            }
        }
        kept.sort(Comparator.comparing(RelatedRow::time).reversed()); // stable: equal times keep the source's order
        boolean truncated = kept.size() > limit;
        List<Map<String, Object>> objects = new ArrayList<>(Math.min(kept.size(), limit));
        for (int i = 0; i < kept.size() && i < limit; i++) {
            Map<String, Object> object = new LinkedHashMap<>(fields.size() * 2);
            for (FeatureId f : fields) {
                object.put(f.name(), kept.get(i).values().get(f));
            }
            objects.add(Collections.unmodifiableMap(object));
        }
        return new RelatedRowList(objects, limit, truncated);
    }
}
