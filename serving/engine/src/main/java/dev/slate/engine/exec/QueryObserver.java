package dev.slate.engine.exec;

import java.time.Duration;

/** Receives execution events for metrics. Implementations must be cheap and never throw. */
public interface QueryObserver {

    void storeRead(int hits, int misses, Duration duration);

    void storeFailure(String operation, Throwable cause);

    void resolverRun(String resolver, Duration duration, Outcome outcome);

    /** A whole query finished ({@code bulk} for bulk queries), with its row and output counts. */
    void queryCompleted(boolean bulk, int rows, int outputs, int featureErrors, Duration duration);

    /**
     * A whole query finished; {@code queryName} is the declared name of the named query it called, or null.
     * Only names declared by the active deployment ever reach here, so a label made of it stays bounded.
     */
    default void queryCompleted(boolean bulk, String queryName, int rows, int outputs, int featureErrors, Duration duration) {
        queryCompleted(bulk, rows, outputs, featureErrors, duration);
    }

    enum Outcome { OK, FAILED, TIMED_OUT }

    QueryObserver NONE = new QueryObserver() {
        @Override
        public void storeRead(int hits, int misses, Duration duration) {
        }

        @Override
        public void storeFailure(String operation, Throwable cause) {
        }

        @Override
        public void resolverRun(String resolver, Duration duration, Outcome outcome) {
        }

        @Override
        public void queryCompleted(boolean bulk, int rows, int outputs, int featureErrors, Duration duration) {
        }
    };
}
