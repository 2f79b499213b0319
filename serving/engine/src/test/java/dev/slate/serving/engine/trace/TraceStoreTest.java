package dev.slate.serving.engine.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TraceStoreTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));

    @Test
    void everyTraceIsKeptWithinTheWindowAndOnlyErrorsAndSlowOnesAfter() {
        TraceStore store = new TraceStore(
                new TraceStore.Settings(Duration.ofMinutes(10), 1000, 100, 0.0, Duration.ofMillis(100)), clock);
        store.add(trace("q_ok", 0, Duration.ofMillis(1)));
        store.add(trace("q_error", 2, Duration.ofMillis(1)));
        store.add(trace("q_slow", 0, Duration.ofMillis(250)));
        clock.advance(Duration.ofMinutes(9));
        store.expire();
        assertThat(store.get("q_ok")).isPresent();
        assertThat(store.recentCount()).isEqualTo(3);

        clock.advance(Duration.ofMinutes(2));
        store.expire();
        assertThat(store.get("q_ok")).isEmpty();
        assertThat(store.get("q_error")).isPresent();
        assertThat(store.keep("q_error")).contains(TraceStore.Keep.ERROR);
        assertThat(store.get("q_slow")).isPresent();
        assertThat(store.keep("q_slow")).contains(TraceStore.Keep.SLOW);
        assertThat(store.recentCount()).isZero();
        assertThat(store.retainedCount()).isEqualTo(2);
    }

    @Test
    void aFullSampleKeepsEverythingUpToTheRetainedBound() {
        TraceStore store = new TraceStore(
                new TraceStore.Settings(Duration.ofMinutes(10), 1000, 3, 1.0, Duration.ofSeconds(1)), clock);
        for (int i = 0; i < 5; i++) {
            store.add(trace("q_" + i, 0, Duration.ofMillis(1)));
        }
        clock.advance(Duration.ofMinutes(11));
        store.expire();
        assertThat(store.retainedCount()).isEqualTo(3);
        assertThat(store.get("q_0")).isEmpty(); // the oldest retained go first
        assertThat(store.get("q_1")).isEmpty();
        assertThat(store.get("q_4")).isPresent();
        assertThat(store.keep("q_4")).contains(TraceStore.Keep.SAMPLE);
    }

    @Test
    void moreThanMaxRecentWithinTheWindowMovesTheOldestOnEarly() {
        TraceStore store = new TraceStore(
                new TraceStore.Settings(Duration.ofMinutes(10), 2, 10, 0.0, Duration.ofSeconds(1)), clock);
        store.add(trace("q_a", 1, Duration.ofMillis(1)));
        store.add(trace("q_b", 0, Duration.ofMillis(1)));
        store.add(trace("q_c", 0, Duration.ofMillis(1)));
        assertThat(store.recentCount()).isEqualTo(2);
        assertThat(store.evictedEarly()).isEqualTo(1);
        assertThat(store.get("q_a"))
                .as("an error trace is retained even when evicted early")
                .isPresent();
        store.add(trace("q_d", 0, Duration.ofMillis(1)));
        assertThat(store.get("q_b")).isEmpty();
        assertThat(store.get("q_d")).isPresent();
    }

    private StoredTrace trace(String id, int errors, Duration took) {
        QueryTrace spans = new QueryTrace(4);
        long t = System.nanoTime();
        spans.span(QueryTrace.SpanKind.STORE_READ, "online-store", -1, t, t + 1000, QueryTrace.SpanOutcome.OK, null);
        return new StoredTrace(id, "default", null, "d1", 1, "plan", false, clock.instant(), took, 1, 1, errors, spans);
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
