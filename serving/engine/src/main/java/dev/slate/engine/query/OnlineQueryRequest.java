package dev.slate.engine.query;

import java.util.List;
import java.util.Map;

/**
 * An online query as received (names unbound, values raw JSON types). For a bulk query each input
 * value is a list with one element per row.
 */
public record OnlineQueryRequest(
        Map<String, Object> inputs,
        List<String> outputs,
        Map<String, String> staleness,
        String now,
        boolean includeMeta,
        boolean explain,
        String queryName) {

    public OnlineQueryRequest {
        inputs = inputs == null ? Map.of() : inputs;
        outputs = outputs == null ? List.of() : outputs;
        staleness = staleness == null ? Map.of() : staleness;
    }
}
