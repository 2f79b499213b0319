package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one measured run produced. Latencies are in microseconds.
 *
 * @param mode {@code open} (fixed rate, latency from the intended send time) or {@code closed} (N in flight)
 * @param targetRate requests per second asked for (0 in closed-loop mode)
 * @param concurrency requests in flight (closed loop) or the connection pool size (open loop)
 * @param completed measured requests that completed successfully
 * @param errors measured requests that failed, by reason
 * @param achievedRate measured requests (successful or not) per second of the measured window
 * @param latency latency of the successful measured requests, from the intended send time (open loop)
 *     or the actual send time (closed loop), in nanoseconds
 * @param serviceTime latency from the moment the request was actually handed to the client, in nanoseconds
 * @param intervals the latency of the measured window in consecutive slices of {@link LoadGenerator#INTERVAL}, by
 *     intended send time (open loop) or send time (closed loop): shows when in a long run a stall happened
 */
record RunResult(
        String mode,
        double targetRate,
        int concurrency,
        long completed,
        Map<String, Long> errors,
        double achievedRate,
        double measuredSeconds,
        Histogram latency,
        Histogram serviceTime,
        List<Interval> intervals) {

    /** One slice of the measured window: when it started (wall clock, epoch milliseconds) and its latencies. */
    record Interval(long startEpochMillis, long completed, double p50Micros, double p99Micros, double maxMicros) {}

    RunResult {
        requireNonNull(mode, "mode is null");
        errors = Map.copyOf(errors);
        requireNonNull(latency, "latency is null");
        requireNonNull(serviceTime, "serviceTime is null");
        intervals = List.copyOf(intervals);
    }

    RunResult(
            String mode,
            double targetRate,
            int concurrency,
            long completed,
            Map<String, Long> errors,
            double achievedRate,
            double measuredSeconds,
            Histogram latency,
            Histogram serviceTime) {
        this(
                mode,
                targetRate,
                concurrency,
                completed,
                errors,
                achievedRate,
                measuredSeconds,
                latency,
                serviceTime,
                List.of());
    }

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    double p50Micros() {
        return micros(latency, 50);
    }

    double p90Micros() {
        return micros(latency, 90);
    }

    double p99Micros() {
        return micros(latency, 99);
    }

    double p999Micros() {
        return micros(latency, 99.9);
    }

    double maxMicros() {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0;
    }

    double meanMicros() {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getMean() / 1000.0;
    }

    static double micros(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
