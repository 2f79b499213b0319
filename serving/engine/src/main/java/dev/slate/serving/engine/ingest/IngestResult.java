package dev.slate.serving.engine.ingest;

/**
 * What an ingest stored. Both stores have accepted their values when this is returned.
 *
 * @param rows rows taken
 * @param values feature values in those rows (keys and timestamps not counted)
 * @param onlineWrites values sent to the online store (features with {@code max_staleness: 0s} are
 *     never served from it and are not written); a backdated value never replaces a newer one there
 * @param offlineValues values appended to the offline store
 */
public record IngestResult(
        String environment, String deploymentId, int rows, int values, int onlineWrites, int offlineValues) {}
