package dev.slate.serving.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Writes the results as JSON (latencies in milliseconds). */
final class ResultsJson {

    private ResultsJson() {}

    static JsonObject toJson(BenchOptions options, JsonObject setup, List<ScenarioResult> results, Instant started) {
        JsonArray scenarios = new JsonArray();
        for (ScenarioResult r : results) {
            JsonObject s = new JsonObject()
                    .put("id", r.id().label())
                    .put("description", r.description())
                    .put("target", r.goal().text())
                    .put("verdict", r.verdict().name())
                    .put("slate", run(r.slateOperation(), r.slate()))
                    .put("baseline", run(r.baselineOperation(), r.baseline()))
                    .put("floor", run(r.floorOperation(), r.floor()))
                    .put(
                            "ratio",
                            new JsonObject()
                                    .put("p50", number(r.ratioP50()))
                                    .put("p99", number(r.ratioP99()))
                                    .put("baseline_throughput_over_slate", number(r.ratioThroughput()))
                                    .put("slate_throughput_over_baseline", number(r.slateShareOfBaselineThroughput())))
                    .put(
                            "ratio_to_floor",
                            new JsonObject()
                                    .put("p50", number(r.floorRatioP50()))
                                    .put("p99", number(r.floorRatioP99()))
                                    .put("slate_throughput_over_floor", number(r.slateShareOfFloorThroughput())))
                    .put("notes", new JsonArray(r.notes()));
            scenarios.add(s);
        }
        return new JsonObject()
                .put("started", started.toString())
                .put("machine", MachineInfo.describe())
                .put(
                        "settings",
                        new JsonObject()
                                .put("slate_url", options.slateUrl().toString())
                                .put("environment", options.environment())
                                .put("postgres", options.pg().toString())
                                .put("redis", options.redisUrl().toString())
                                .put("warmup_seconds", options.warmup().toSeconds())
                                .put("measure_seconds", options.measure().toSeconds())
                                .put("connections", options.connections())
                                .put("closed_loop_concurrency", options.closedConcurrency())
                                .put("rate_a", options.rateA())
                                .put("rate_b", options.rateB())
                                .put("rate_c", options.rateC())
                                .put("rate_d", options.rateD())
                                .put(
                                        "floor_url",
                                        options.floorUrl().map(Object::toString).orElse(null))
                                .put("hot_ids", options.hotIds())
                                .put("seed", options.seed())
                                .put("baseline_only", options.baselineOnly())
                                .put("slate_only", options.slateOnly()))
                .put("setup", setup)
                .put("scenarios", scenarios);
    }

    static void write(JsonObject json, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, json.encodePrettily() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static JsonObject run(String operation, RunResult run) {
        if (run == null) {
            return null;
        }
        JsonObject errors = new JsonObject();
        run.errors().forEach(errors::put);
        return new JsonObject()
                .put("operation", operation)
                .put("mode", run.mode())
                .put("target_rate", run.targetRate())
                .put("concurrency", run.concurrency())
                .put("completed", run.completed())
                .put("error_count", run.errorCount())
                .put("errors", errors)
                .put("achieved_rate", number(run.achievedRate()))
                .put("measured_seconds", run.measuredSeconds())
                .put(
                        "latency_ms",
                        new JsonObject()
                                .put("p50", ms(run.p50Micros()))
                                .put("p90", ms(run.p90Micros()))
                                .put("p99", ms(run.p99Micros()))
                                .put("p99_9", ms(run.p999Micros()))
                                .put("max", ms(run.maxMicros()))
                                .put("mean", ms(run.meanMicros())))
                .put("intervals", intervals(run))
                .put(
                        "service_time_ms",
                        new JsonObject()
                                .put("p50", ms(RunResult.micros(run.serviceTime(), 50)))
                                .put("p99", ms(RunResult.micros(run.serviceTime(), 99)))
                                .put(
                                        "max",
                                        ms(
                                                run.serviceTime().getTotalCount() == 0
                                                        ? Double.NaN
                                                        : run.serviceTime().getMaxValue() / 1000.0)));
    }

    /** Latency per {@link LoadGenerator#INTERVAL} of the measured window. */
    private static JsonArray intervals(RunResult run) {
        JsonArray out = new JsonArray();
        for (RunResult.Interval i : run.intervals()) {
            out.add(new JsonObject()
                    .put("start", Instant.ofEpochMilli(i.startEpochMillis()).toString())
                    .put("completed", i.completed())
                    .put("p50_ms", ms(i.p50Micros()))
                    .put("p99_ms", ms(i.p99Micros()))
                    .put("max_ms", ms(i.maxMicros())));
        }
        return out;
    }

    private static Double ms(double micros) {
        return Double.isNaN(micros) ? null : Math.round(micros) / 1000.0;
    }

    private static Double number(double d) {
        return Double.isNaN(d) ? null : Math.round(d * 1000) / 1000.0;
    }
}
