package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The four measured runs of the aggregation benchmark, in one run of the generator: Slate materialized, the raw bucket
 * reads, Slate pushdown, the hand-written SQL. Prints a table with p50/p99 and the ratios of each Slate mode to both
 * baselines; writes JSON. Latencies in milliseconds.
 */
record AggregationResults(Run materialized, Run bucketReads, Run pushdown, Run handWrittenSql) {

    /** One measured run: what it was, what it did, and (for the Slate runs) the target. */
    record Run(String label, String operation, RunResult result, Optional<Goal> goal) {
        Run {
            requireNonNull(label, "label is null");
            requireNonNull(operation, "operation is null");
            requireNonNull(result, "result is null");
            requireNonNull(goal, "goal is null");
        }

        String verdict() {
            return goal.map(g -> g.judge(result).name()).orElse("");
        }
    }

    /** The targets at 200 req/s (issue 8, "Performance"). */
    static final Goal MATERIALIZED_GOAL = p99Goal("p99<=3ms @200/s", 3_000.0);

    static final Goal PUSHDOWN_GOAL = p99Goal("p99<=15ms @200/s", 15_000.0);

    private static Goal p99Goal(String text, double micros) {
        return new Goal(
                text, Optional.empty(), Optional.of(micros), Optional.of(200), Optional.empty(), Optional.empty());
    }

    List<Run> runs() {
        return List.of(materialized, bucketReads, pushdown, handWrittenSql);
    }

    boolean clean() {
        return runs().stream()
                .allMatch(r -> r.result().errorCount() == 0 && r.result().completed() > 0);
    }

    void print(PrintStream out) {
        out.println();
        out.println("Aggregations (latency in ms, open loop from the intended send time; all four in the same run)");
        String format = "%-26s %-56s %8s %8s %8s %8s %8s %8s %7s  %-18s %s";
        String header = String.format(
                Locale.ROOT,
                format,
                "run",
                "operation",
                "p50",
                "p90",
                "p99",
                "p99.9",
                "max",
                "rate/s",
                "errors",
                "target",
                "verdict");
        out.println(header);
        out.println("-".repeat(header.length()));
        for (Run r : runs()) {
            RunResult s = r.result();
            out.println(String.format(
                    Locale.ROOT,
                    format,
                    r.label(),
                    r.operation().length() > 56 ? r.operation().substring(0, 53) + "..." : r.operation(),
                    ResultsTable.ms(s.p50Micros()),
                    ResultsTable.ms(s.p90Micros()),
                    ResultsTable.ms(s.p99Micros()),
                    ResultsTable.ms(s.p999Micros()),
                    ResultsTable.ms(s.maxMicros()),
                    ResultsTable.rate(s.achievedRate()),
                    s.errorCount(),
                    r.goal().map(Goal::text).orElse(""),
                    r.verdict()));
        }
        out.println();
        out.println("Ratios (Slate / baseline, p50 and p99):");
        for (Run slate : List.of(materialized, pushdown)) {
            for (Run base : List.of(bucketReads, handWrittenSql)) {
                out.println(String.format(
                        Locale.ROOT,
                        "  %-22s / %-22s p50 %7s   p99 %7s",
                        slate.label(),
                        base.label(),
                        ResultsTable.ratio(
                                ratio(slate.result().p50Micros(), base.result().p50Micros())),
                        ResultsTable.ratio(
                                ratio(slate.result().p99Micros(), base.result().p99Micros()))));
            }
        }
        for (Run r : runs()) {
            r.result()
                    .errors()
                    .forEach((reason, n) -> out.println("errors (" + r.label() + "): " + n + " x " + reason));
        }
    }

    JsonObject toJson() {
        JsonArray runs = new JsonArray();
        for (Run r : runs()) {
            runs.add(ResultsJson.run(r.operation(), r.result())
                    .put("run", r.label())
                    .put("target", r.goal().map(Goal::text).orElse(null))
                    .put("verdict", r.goal().isPresent() ? r.verdict() : null));
        }
        JsonObject ratios = new JsonObject();
        for (Run slate : List.of(materialized, pushdown)) {
            for (Run base : List.of(bucketReads, handWrittenSql)) {
                ratios.put(
                        slate.label() + " / " + base.label(),
                        new JsonObject()
                                .put(
                                        "p50",
                                        number(ratio(
                                                slate.result().p50Micros(),
                                                base.result().p50Micros())))
                                .put(
                                        "p99",
                                        number(ratio(
                                                slate.result().p99Micros(),
                                                base.result().p99Micros()))));
            }
        }
        return new JsonObject().put("runs", runs).put("ratios", ratios);
    }

    private static double ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
    }

    private static Double number(double d) {
        return Double.isNaN(d) ? null : Math.round(d * 1000) / 1000.0;
    }
}
