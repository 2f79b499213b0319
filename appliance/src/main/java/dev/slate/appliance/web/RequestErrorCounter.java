package dev.slate.appliance.web;

import dev.slate.serving.model.error.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

/**
 * {@code slate_request_errors_total{code}}: API requests answered with a problem, by Slate's error code
 * (an enum, so the label is bounded). Counted where every problem response is made ({@link
 * Problem#toResponse()}), into the global registry Quarkus exports at {@code /q/metrics}.
 */
final class RequestErrorCounter {

    private static final Counter[] COUNTERS = new Counter[ErrorCode.values().length];

    private RequestErrorCounter() {}

    static void count(String code) {
        ErrorCode c;
        try {
            c = ErrorCode.valueOf(code);
        } catch (IllegalArgumentException e) {
            return;
        }
        Counter counter = COUNTERS[c.ordinal()];
        if (counter == null) { // a race registers the same counter twice, harmlessly
            counter = Counter.builder("slate.request.errors")
                    .tag("code", c.name())
                    .description("API requests answered with a problem (application/problem+json), by error code")
                    .register(Metrics.globalRegistry);
            COUNTERS[c.ordinal()] = counter;
        }
        counter.increment();
    }
}
