package dev.slate.serving.bench;

import io.vertx.core.Future;

/**
 * One request of a scenario: a query to Slate or the raw baseline's Redis or PostgreSQL call.
 * {@link #issue()} is always called on the load generator's event loop; a failed future (or a
 * response that is not a clean success) counts as an error.
 */
interface Operation {

    /** Short description for the results table, e.g. {@code "POST /v1/query/online"}. */
    String describe();

    Future<Void> issue();
}
