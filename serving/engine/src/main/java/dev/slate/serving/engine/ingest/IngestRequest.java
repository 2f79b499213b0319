package dev.slate.serving.engine.ingest;

import java.util.List;
import java.util.Map;

/**
 * Rows of feature values given to Slate from outside (docs/specs/rest-contract.md {@code POST /v1/ingest}). Each row maps
 * qualified feature names ({@code user.credit_score}) to raw JSON values and holds the key of every
 * entity it has features of; {@code __ts__} is when the values were observed (default: now).
 */
public record IngestRequest(List<Map<String, Object>> rows, boolean storeOnline, boolean storeOffline) {
    public static final String TIMESTAMP = "__ts__";

    public IngestRequest {
        rows = rows == null ? List.of() : rows;
    }
}
