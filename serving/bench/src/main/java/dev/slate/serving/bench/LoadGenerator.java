package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Drives an {@link Operation} open loop (a fixed rate, latency measured from each request's
 * intended send time, so a stall shows up in the latency of every request that should have been
 * sent during it: coordinated omission corrected) or closed loop (N requests in flight, each
 * completion sends the next: the maximum throughput).
 *
 * <p>All request callbacks and all recording run on one Vert.x event loop ({@code context}); the
 * open-loop schedule is kept by the calling thread, which parks until shortly before each send time
 * and spins for the rest, then hands every send that is due by then to the event loop in one task.
 * Runs are bounded in time and in request count.
 */
final class LoadGenerator {

    /** Latencies above this are recorded as this (one minute). */
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** At most this many due sends are handed to the event loop in one task. */
    static final int MAX_SENDS_PER_TASK = 64;
    /** The length of the slices of a measured window whose latencies are reported apart ({@link RunResult#intervals}). */
    static final Duration INTERVAL = Duration.ofSeconds(5);
    /** Distinct error reasons kept per run; the rest are counted as "other". */
    static final int MAX_ERROR_REASONS = 20;

    private final Context context;
    private final long maxRequestsPerRun;
    private final long spinNanos;
    private final int maxOutstanding;
    private final Duration drainTimeout;

    LoadGenerator(Context context, long maxRequestsPerRun, int spinMicros, int maxOutstanding, Duration drainTimeout) {
        this.context = requireNonNull(context, "context is null");
        this.maxRequestsPerRun = maxRequestsPerRun;
        this.spinNanos = TimeUnit.MICROSECONDS.toNanos(spinMicros);
        this.maxOutstanding = maxOutstanding;
        this.drainTimeout = requireNonNull(drainTimeout, "drainTimeout is null");
    }

    /**
     * Sends {@code rate} requests per second for {@code warmup + measure}; records requests whose
     * intended send time falls in the measured window.
     */
    RunResult openLoop(Operation op, int rate, Duration warmup, Duration measure, int connections) {
        AtomicLong outstanding = new AtomicLong();
        long warmNanos = warmup.toNanos();
        long measureNanos = measure.toNanos();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long measureStart = start + warmNanos;
        Recorder rec = new Recorder(measureStart);
        long measureEnd = measureStart + measureNanos;
        double interval = 1e9 / rate;
        long i = 0;
        while (i < maxRequestsPerRun) {
            long intended = start + (long) (i * interval);
            if (intended >= measureEnd) {
                break;
            }
            waitUntil(intended);
            // every send that is due by now goes to the event loop in one task: after a stall (a GC pause, the
            // sender or the loop descheduled) the catch-up burst costs one wake-up of the loop, not one per request
            long now = System.nanoTime();
            int due = 1;
            while (due < MAX_SENDS_PER_TASK && i + due < maxRequestsPerRun) {
                long next = start + (long) ((i + due) * interval);
                if (next > now || next >= measureEnd) {
                    break;
                }
                due++;
            }
            long[] times = new long[due];
            boolean[] refused = new boolean[due];
            int accepted = 0;
            for (int k = 0; k < due; k++) {
                times[k] = start + (long) ((i + k) * interval);
                // the generator refuses to queue without bound; such a request counts as an error
                refused[k] = outstanding.get() + accepted >= maxOutstanding;
                if (!refused[k]) {
                    accepted++;
                }
            }
            i += due;
            outstanding.addAndGet(accepted);
            context.runOnContext(v -> {
                for (int k = 0; k < times.length; k++) {
                    long t = times[k];
                    long sent = System.nanoTime();
                    if (refused[k]) {
                        rec.overload(t >= measureStart, sent);
                        continue;
                    }
                    issue(op).onComplete(ar -> {
                        outstanding.decrementAndGet();
                        rec.complete(ar, t >= measureStart, t, sent, System.nanoTime());
                    });
                }
            });
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return snapshot(rec, r -> {
            long unanswered = outstanding.get();
            if (unanswered > 0) {
                r.errors.merge(
                        "no answer within drain timeout " + drainTimeout.toSeconds() + "s", unanswered, Long::sum);
            }
            long measured = r.completed + r.errorCount();
            long endNanos = Math.max(r.lastMeasuredCompletion, measureEnd);
            double seconds = (endNanos - measureStart) / 1e9;
            return new RunResult(
                    "open",
                    rate,
                    connections,
                    r.completed,
                    r.errors,
                    measured / seconds,
                    measureNanos / 1e9,
                    r.latency,
                    r.serviceTime,
                    r.intervals());
        });
    }

    /**
     * Keeps {@code concurrency} requests in flight for {@code warmup + measure}; records requests
     * that complete in the measured window, latency from their actual send time.
     */
    RunResult closedLoop(Operation op, int concurrency, Duration warmup, Duration measure) {
        long start = System.nanoTime();
        long measureStart = start + warmup.toNanos();
        Recorder rec = new Recorder(measureStart);
        long measureEnd = measureStart + measure.toNanos();
        CompletableFuture<Void> done = new CompletableFuture<>();
        ClosedLoop loop =
                new ClosedLoop(context, op, rec, concurrency, maxRequestsPerRun, measureStart, measureEnd, done);
        context.runOnContext(v -> loop.begin());
        try {
            done.get(warmup.plus(measure).plus(drainTimeout).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            context.runOnContext(v -> loop.stop());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return snapshot(rec, r -> {
            long unanswered = loop.inFlight;
            if (unanswered > 0) {
                r.errors.merge(
                        "no answer within drain timeout " + drainTimeout.toSeconds() + "s", unanswered, Long::sum);
            }
            double seconds = (measureEnd - measureStart) / 1e9;
            return new RunResult(
                    "closed",
                    0,
                    concurrency,
                    r.completed,
                    r.errors,
                    (r.completed + r.errorCount()) / seconds,
                    seconds,
                    r.latency,
                    r.serviceTime,
                    r.intervals());
        });
    }

    private void waitUntil(long deadline) {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (left > spinNanos) {
                LockSupport.parkNanos(left - spinNanos);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static Future<Void> issue(Operation op) {
        try {
            return op.issue();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** Reads the recorder on the event loop (where it is written) and closes it to late callbacks. */
    private RunResult snapshot(Recorder rec, Function<Recorder, RunResult> build) {
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            rec.closed = true;
            try {
                result.complete(build.apply(rec));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the results of a run", e);
        }
    }

    /** Everything a run records; touched only on the event loop. */
    private static final class Recorder {
        final Histogram latency = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
        final Histogram serviceTime = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
        final Map<String, Long> errors = new LinkedHashMap<>();
        /** Latency per {@link #INTERVAL} of the measured window (2 significant digits: a trend, not the result). */
        final List<Histogram> slices = new ArrayList<>();

        final long measureStart;
        /** The wall-clock time of {@link #measureStart}, for the per-interval report. */
        final long measureStartEpochMillis;

        long completed;
        long lastMeasuredCompletion;
        boolean closed;

        Recorder(long measureStart) {
            this.measureStart = measureStart;
            this.measureStartEpochMillis =
                    System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(measureStart - System.nanoTime());
        }

        void complete(AsyncResult<Void> ar, boolean measured, long intended, long sent, long end) {
            if (closed || !measured) {
                return;
            }
            lastMeasuredCompletion = Math.max(lastMeasuredCompletion, end);
            if (ar.succeeded()) {
                completed++;
                latency.recordValue(Math.min(end - intended, HIGHEST_TRACKABLE_NANOS));
                int slice = (int) Math.max(0, (intended - measureStart) / INTERVAL.toNanos());
                while (slices.size() <= slice) {
                    slices.add(new Histogram(HIGHEST_TRACKABLE_NANOS, 2));
                }
                slices.get(slice).recordValue(Math.min(end - intended, HIGHEST_TRACKABLE_NANOS));
                serviceTime.recordValue(Math.min(end - sent, HIGHEST_TRACKABLE_NANOS));
            } else {
                error(reason(ar.cause()));
            }
        }

        void overload(boolean measured, long now) {
            if (closed || !measured) {
                return;
            }
            lastMeasuredCompletion = Math.max(lastMeasuredCompletion, now);
            error("generator backlog full (too many requests outstanding)");
        }

        void error(String reason) {
            if (errors.size() >= MAX_ERROR_REASONS && !errors.containsKey(reason)) {
                reason = "other";
            }
            errors.merge(reason, 1L, Long::sum);
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        List<RunResult.Interval> intervals() {
            List<RunResult.Interval> out = new ArrayList<>(slices.size());
            for (int i = 0; i < slices.size(); i++) {
                Histogram h = slices.get(i);
                out.add(new RunResult.Interval(
                        measureStartEpochMillis + i * INTERVAL.toMillis(),
                        h.getTotalCount(),
                        RunResult.micros(h, 50),
                        RunResult.micros(h, 99),
                        h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0));
            }
            return out;
        }

        private static String reason(Throwable t) {
            if (t instanceof BenchFailure f) {
                return f.getMessage();
            }
            String m = t.getMessage();
            String text = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
            return text.length() > 160 ? text.substring(0, 160) + "..." : text;
        }
    }

    /** The closed loop's state; touched only on the event loop. */
    private static final class ClosedLoop {
        private final Context context;
        private final Operation op;
        private final Recorder rec;
        private final int concurrency;
        private final long measureStart;
        private final long measureEnd;
        private final CompletableFuture<Void> done;
        private final long maxRequests;
        long inFlight;
        long sent;
        boolean stopped;

        ClosedLoop(
                Context context,
                Operation op,
                Recorder rec,
                int concurrency,
                long maxRequests,
                long measureStart,
                long measureEnd,
                CompletableFuture<Void> done) {
            this.context = context;
            this.maxRequests = maxRequests;
            this.op = op;
            this.rec = rec;
            this.concurrency = concurrency;
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
            this.done = done;
        }

        void begin() {
            for (int i = 0; i < concurrency; i++) {
                inFlight++;
                next();
            }
        }

        void stop() {
            stopped = true;
        }

        private void next() {
            long now = System.nanoTime();
            if (stopped || now >= measureEnd || sent >= maxRequests) {
                inFlight--;
                if (inFlight == 0) {
                    done.complete(null);
                }
                return;
            }
            sent++;
            long start = System.nanoTime();
            issue(op).onComplete(ar -> {
                long end = System.nanoTime();
                rec.complete(ar, end >= measureStart && end <= measureEnd, start, start, end);
                if (ar.failed()) {
                    // a failure may complete synchronously: do not recurse
                    context.runOnContext(v -> next());
                } else {
                    next();
                }
            });
        }
    }
}
