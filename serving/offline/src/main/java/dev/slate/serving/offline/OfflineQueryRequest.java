package dev.slate.serving.offline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An offline query with its spine given inline (docs/specs/rest-contract.md {@code POST /v1/query/offline}): one list of key
 * values per entity key ({@code {"user.id": [1, 2]}}), one input time per row, the outputs wanted.
 *
 * @param inputs key column name → values, in spine column order (null when the body had none)
 * @param inputTimes one time per row: ISO-8601 with offset or zone (converted to UTC) or local (taken as UTC)
 * @param recompute which outputs are recomputed rather than read from the feature log
 */
public record OfflineQueryRequest(
        Map<String, Object> inputs,
        List<Object> inputTimes,
        List<String> outputs,
        Recompute recompute,
        Optional<String> datasetName) {

    public OfflineQueryRequest {
        inputs = inputs == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = outputs == null ? List.of() : outputs;
        recompute = recompute == null ? Recompute.NONE : recompute;
        datasetName = datasetName == null ? Optional.empty() : datasetName;
    }
}
