package dev.slate.serving.featurelog;

import dev.slate.storage.spi.offline.ObservedValue;
import java.util.List;
import java.util.function.Consumer;

/**
 * Values handed to the feature log in one call. Producers on the request path pass a lazy view (for
 * example over a query's result arrays), so the {@link ObservedValue}s are only built on the spool's
 * writer thread, off the response path. A batch must not change after it is offered.
 */
public interface LogBatch {

    /** How many values {@link #forEach} yields. */
    int size();

    /** Yields every value, in order. Called once, on the spool's writer thread. */
    void forEach(Consumer<ObservedValue> sink);

    static LogBatch of(List<ObservedValue> values) {
        List<ObservedValue> copy = List.copyOf(values);
        return new LogBatch() {
            @Override
            public int size() {
                return copy.size();
            }

            @Override
            public void forEach(Consumer<ObservedValue> sink) {
                copy.forEach(sink);
            }
        };
    }
}
