package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generator's method, checked against operations whose timing the test controls (no performance assert). */
class LoadGeneratorTest {

    private Vertx vertx;
    private Context context;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Answers after {@code delayMillis}; the request numbered {@code stallAt} takes {@code stallMillis} and blocks the others behind it. */
    private final class Scripted implements Operation {
        final long delayMillis;
        final long stallAt;
        final long stallMillis;
        long issued;
        long busyUntil;
        int failEvery;

        Scripted(long delayMillis, long stallAt, long stallMillis) {
            this.delayMillis = delayMillis;
            this.stallAt = stallAt;
            this.stallMillis = stallMillis;
        }

        @Override
        public String describe() {
            return "scripted";
        }

        @Override
        public Future<Void> issue() {
            long n = issued++;
            if (failEvery > 0 && n % failEvery == 0) {
                return Future.failedFuture(new BenchFailure("scripted failure"));
            }
            long now = System.nanoTime();
            // a server that serves one request at a time: a stall delays every request queued behind it
            long startAt = Math.max(now, busyUntil);
            long took = n == stallAt
                    ? TimeUnit.MILLISECONDS.toNanos(stallMillis)
                    : TimeUnit.MILLISECONDS.toNanos(delayMillis);
            busyUntil = startAt + took;
            Promise<Void> p = Promise.promise();
            long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(busyUntil - now));
            vertx.setTimer(wait, t -> p.complete());
            return p.future();
        }
    }

    @Test
    void openLoopSendsAtTheRateAndCountsTheMeasuredWindowOnly() {
        LoadGenerator g = new LoadGenerator(context, 1_000_000, 50, 10_000, Duration.ofSeconds(5));
        Scripted op = new Scripted(1, -1, 0);
        long before = System.currentTimeMillis();
        RunResult r = g.openLoop(op, 200, Duration.ofMillis(500), Duration.ofSeconds(1), 4);
        long after = System.currentTimeMillis();
        assertThat(op.issued).isBetween(295L, 301L);
        assertThat(r.completed()).isBetween(195L, 201L);
        assertThat(r.errorCount()).isZero();
        assertThat(r.achievedRate()).isBetween(100.0, 201.0);
        // a 1 s window is one slice of the per-interval report, holding every measured request
        assertThat(r.intervals()).singleElement().satisfies(i -> {
            assertThat(i.startEpochMillis()).isBetween(before + 499, after); // the window begins after the warm-up
            assertThat(i.completed()).isEqualTo(r.completed());
            assertThat(i.p99Micros()).isGreaterThanOrEqualTo(i.p50Micros());
        });
    }

    @Test
    void aStallShowsUpInTheLatencyOfEveryRequestScheduledDuringIt() {
        // 200/s for 1.5 s; request 100 (in the measured window) stalls the server for 400 ms.
        LoadGenerator g = new LoadGenerator(context, 1_000_000, 50, 10_000, Duration.ofSeconds(5));
        Scripted op = new Scripted(1, 100, 400);
        RunResult r = g.openLoop(op, 200, Duration.ofMillis(250), Duration.ofMillis(1250), 4);
        // about 80 requests were due during the stall: with coordinated omission corrected they are
        // all slow, so far more than 1% of the ~250 measured requests exceed 100 ms
        long slow = r.latency()
                .getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(100), LoadGenerator.HIGHEST_TRACKABLE_NANOS);
        assertThat(slow).isGreaterThan(40);
        assertThat(r.p99Micros()).isGreaterThan(200_000);
        assertThat(r.maxMicros()).isGreaterThan(350_000);
    }

    @Test
    void failuresAreCountedByReasonAndNotRecordedAsLatency() {
        LoadGenerator g = new LoadGenerator(context, 1_000_000, 50, 10_000, Duration.ofSeconds(5));
        Scripted op = new Scripted(1, -1, 0);
        op.failEvery = 4;
        RunResult r = g.openLoop(op, 200, Duration.ZERO, Duration.ofSeconds(1), 4);
        assertThat(r.errors()).containsOnlyKeys("scripted failure");
        assertThat(r.errorCount()).isBetween(48L, 51L);
        assertThat(r.completed() + r.errorCount()).isBetween(198L, 201L);
        assertThat(r.latency().getTotalCount()).isEqualTo(r.completed());
    }

    @Test
    void theRequestCountIsBounded() {
        LoadGenerator g = new LoadGenerator(context, 50, 50, 10_000, Duration.ofSeconds(5));
        Scripted op = new Scripted(1, -1, 0);
        g.openLoop(op, 1000, Duration.ZERO, Duration.ofSeconds(1), 4);
        assertThat(op.issued).isEqualTo(50);
    }

    @Test
    void beyondTheOutstandingBoundSendsAreRefusedAndCounted() {
        LoadGenerator g = new LoadGenerator(context, 1_000_000, 50, 10, Duration.ofMillis(300));
        Operation never =
                operation("never answers", () -> Promise.<Void>promise().future());
        RunResult r = g.openLoop(never, 500, Duration.ZERO, Duration.ofMillis(200), 4);
        assertThat(r.completed()).isZero();
        assertThat(r.errors())
                .containsOnlyKeys(
                        "generator backlog full (too many requests outstanding)", "no answer within drain timeout 0s");
        assertThat(r.errors().get("no answer within drain timeout 0s")).isEqualTo(10);
        assertThat(r.errorCount()).isBetween(99L, 101L);
    }

    @Test
    void closedLoopKeepsTheConcurrencyAndMeasuresThroughput() {
        LoadGenerator g = new LoadGenerator(context, 1_000_000, 50, 10_000, Duration.ofSeconds(5));
        Operation op = operation("10 ms each, in parallel", () -> {
            Promise<Void> p = Promise.promise();
            vertx.setTimer(10, t -> p.complete());
            return p.future();
        });
        RunResult r = g.closedLoop(op, 8, Duration.ofMillis(200), Duration.ofSeconds(1));
        // 8 in flight, each about 10 ms: at most 800/s; timers run late, so only an upper bound and a loose lower one
        assertThat(r.achievedRate()).isBetween(100.0, 820.0);
        assertThat(r.p50Micros()).isGreaterThanOrEqualTo(9_000);
        assertThat(r.errorCount()).isZero();
    }

    private static Operation operation(String description, Supplier<Future<Void>> issue) {
        return new Operation() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public Future<Void> issue() {
                return issue.get();
            }
        };
    }
}
