package dev.slate.serving.engine.trace;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * The trace of one finished online query as the {@link TraceStore} keeps it.
 *
 * @param queryName the client's name for the query, or null
 * @param featureErrors output values answered with an error (the query is an <em>error</em> trace when above 0)
 * @param spans the spans, read by index; complete (the query finished)
 */
public record StoredTrace(
        String queryId,
        String environment,
        String queryName,
        String deploymentId,
        long deploymentVersion,
        String planHash,
        boolean bulk,
        Instant startedAt,
        Duration duration,
        int rows,
        int outputs,
        int featureErrors,
        QueryTrace spans) {

    public StoredTrace {
        requireNonNull(queryId, "queryId is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(deploymentId, "deploymentId is null");
        requireNonNull(planHash, "planHash is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(spans, "spans is null");
    }

    public boolean failed() {
        return featureErrors > 0;
    }
}
