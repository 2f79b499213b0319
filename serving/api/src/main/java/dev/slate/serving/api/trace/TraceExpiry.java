package dev.slate.serving.api.trace;

import dev.slate.serving.engine.trace.TraceStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Moves traces out of the trace store's window once a second (off the query path). */
@ApplicationScoped
class TraceExpiry {

    private final TraceStore traces;
    private final Vertx vertx;
    private long timer = -1;

    TraceExpiry(TraceStore traces, Vertx vertx) {
        this.traces = traces;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(1000, id -> traces.expire());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
