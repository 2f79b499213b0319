package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

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
        Histogram serviceTime) {

    RunResult {
        requireNonNull(mode, "mode is null");
        errors = Map.copyOf(errors);
        requireNonNull(latency, "latency is null");
        requireNonNull(serviceTime, "serviceTime is null");
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
