package dev.slate.serving.engine.query;

import java.util.List;
import java.util.Map;

/**
 * An online query as received (names unbound, values raw JSON types). For a bulk query each input
 * value is a list with one element per row. A call of a named query gives {@code queryName} (and
 * optionally {@code queryNameVersion}) instead of {@code outputs}.
 */
public record OnlineQueryRequest(
        Map<String, Object> inputs,
        List<String> outputs,
        Map<String, String> staleness,
        String now,
        boolean includeMeta,
        boolean explain,
        String queryName,
        String queryNameVersion) {

    public OnlineQueryRequest {
        inputs = inputs == null ? Map.of() : inputs;
        outputs = outputs == null ? List.of() : outputs;
        staleness = staleness == null ? Map.of() : staleness;
    }

    /** A query without a named query version. */
    public OnlineQueryRequest(
            Map<String, Object> inputs,
            List<String> outputs,
            Map<String, String> staleness,
            String now,
            boolean includeMeta,
            boolean explain,
            String queryName) {
        this(inputs, outputs, staleness, now, includeMeta, explain, queryName, null);
    }
}
