package dev.slate.offline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An offline query with its spine given inline (docs/api.md {@code POST /v1/query/offline}): one list of key
 * values per entity key ({@code {"user.id": [1, 2]}}), one input time per row, the outputs wanted.
 *
 * @param inputs key column name → values, in spine column order (null when the body had none)
 * @param inputTimes one time per row: ISO-8601 with offset or zone (converted to UTC) or local (taken as UTC)
 * @param recompute null or {@code false} (read the feature log), {@code true} (recompute every output with a resolver or an
 *     expression) or a list of output names to recompute; anything else is a 400
 */
public record OfflineQueryRequest(Map<String, Object> inputs, List<Object> inputTimes, List<String> outputs, Object recompute,
        Optional<String> datasetName) {

    public OfflineQueryRequest {
        inputs = inputs == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = outputs == null ? List.of() : outputs;
        datasetName = datasetName == null ? Optional.empty() : datasetName;
    }
}
