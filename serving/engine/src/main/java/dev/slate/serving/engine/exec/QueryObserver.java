package dev.slate.serving.engine.exec;

import dev.slate.serving.engine.plan.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Receives execution events for metrics. Implementations must be cheap and never throw. */
public interface QueryObserver {

    void storeRead(int hits, int misses, Duration duration);

    void storeFailure(String operation, Throwable cause);

    void resolverRun(String resolver, Duration duration, Outcome outcome);

    /** A whole query finished. */
    void queryCompleted(Completion completion);

    enum Outcome {
        OK,
        FAILED,
        TIMED_OUT
    }

    /**
     * One finished query, for metrics: read {@code rows} by the plan's output slots.
     *
     * @param queryName the declared name of the named query it called, or null (an ad-hoc query); only
     *     names the active deployment declares reach here, and an observer bounds their number as well
     * @param now the query time (values' ages are measured against it)
     * @param featureErrors how many output values of all rows are errors
     */
    record Completion(
            String environment,
            String queryName,
            boolean bulk,
            Plan plan,
            List<RowResult> rows,
            int featureErrors,
            Instant now,
            Duration duration) {}

    QueryObserver NONE = new QueryObserver() {
        @Override
        public void storeRead(int hits, int misses, Duration duration) {}

        @Override
        public void storeFailure(String operation, Throwable cause) {}

        @Override
        public void resolverRun(String resolver, Duration duration, Outcome outcome) {}

        @Override
        public void queryCompleted(Completion completion) {}
    };
}
