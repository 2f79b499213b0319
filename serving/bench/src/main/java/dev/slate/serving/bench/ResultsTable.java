package dev.slate.serving.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints the results: one summary line per scenario, then every run in detail. Latencies in milliseconds. */
final class ResultsTable {

    private ResultsTable() {}

    static void print(List<ScenarioResult> results, PrintStream out) {
        out.println();
        out.println(
                "Summary (latency in ms; Slate measured against its raw baseline and, in a and b, the floor server, all in the same run;"
                        + " x = Slate / baseline, xF = Slate / floor)");
        String format = "%-9s %-30s %8s %8s %8s %8s %10s %7s | %9s %9s | %7s %7s | %9s %9s | %7s %7s | %s";
        String header = String.format(
                Locale.ROOT,
                format,
                "scenario",
                "target",
                "p50",
                "p90",
                "p99",
                "max",
                "rate/s",
                "errors",
                "base p50",
                "base p99",
                "x p50",
                "x p99",
                "floor p50",
                "floor p99",
                "xF p50",
                "xF p99",
                "verdict");
        out.println(header);
        out.println("-".repeat(header.length()));
        for (ScenarioResult r : results) {
            RunResult s = r.slate();
            RunResult b = r.baseline();
            RunResult f = r.floor();
            out.println(String.format(
                    Locale.ROOT,
                    format,
                    r.id().label(),
                    r.goal().text(),
                    ms(s == null ? Double.NaN : s.p50Micros()),
                    ms(s == null ? Double.NaN : s.p90Micros()),
                    ms(s == null ? Double.NaN : s.p99Micros()),
                    ms(s == null ? Double.NaN : s.maxMicros()),
                    s == null ? "-" : rate(s.achievedRate()),
                    s == null ? "-" : Long.toString(s.errorCount()),
                    ms(b == null ? Double.NaN : b.p50Micros()),
                    ms(b == null ? Double.NaN : b.p99Micros()),
                    ratio(r.ratioP50()),
                    ratio(r.ratioP99()),
                    ms(f == null ? Double.NaN : f.p50Micros()),
                    ms(f == null ? Double.NaN : f.p99Micros()),
                    ratio(r.floorRatioP50()),
                    ratio(r.floorRatioP99()),
                    verdict(r)));
        }
        for (ScenarioResult r : results) {
            if (r.slate() != null && "closed".equals(r.slate().mode())) {
                out.println(String.format(
                        Locale.ROOT,
                        "%s throughput: Slate %s req/s = %s of the raw baseline (%s req/s), %s of the floor (%s req/s)",
                        r.id().label(),
                        rate(r.slate().achievedRate()),
                        percent(r.slateShareOfBaselineThroughput()),
                        r.baseline() == null ? "-" : rate(r.baseline().achievedRate()),
                        percent(r.slateShareOfFloorThroughput()),
                        r.floor() == null ? "-" : rate(r.floor().achievedRate())));
            }
        }
        out.println();
        out.println(
                "Runs (latency in ms: open loop from the intended send time, closed loop from the send; service = from the actual send)");
        String runHeader = String.format(
                Locale.ROOT,
                "%-9s %-8s %-52s %-6s %8s %8s %8s %8s %8s %8s | %9s %9s | %10s %7s",
                "scenario",
                "system",
                "operation",
                "mode",
                "p50",
                "p90",
                "p99",
                "p99.9",
                "max",
                "mean",
                "svc p50",
                "svc p99",
                "rate/s",
                "errors");
        out.println(runHeader);
        out.println("-".repeat(runHeader.length()));
        for (ScenarioResult r : results) {
            if (r.baseline() != null) {
                out.println(run(r.id().label(), "baseline", r.baselineOperation(), r.baseline()));
            }
            if (r.floor() != null) {
                out.println(run(r.id().label(), "floor", r.floorOperation(), r.floor()));
            }
            if (r.slate() != null) {
                out.println(run(r.id().label(), "slate", r.slateOperation(), r.slate()));
            }
        }
        for (ScenarioResult r : results) {
            for (String note : r.notes()) {
                out.println("note (" + r.id().label() + "): " + note);
            }
            printErrors(r.id().label() + " slate", r.slate(), out);
            printErrors(r.id().label() + " baseline", r.baseline(), out);
            printErrors(r.id().label() + " floor", r.floor(), out);
        }
    }

    /** The generator's own scheduling delay, which every open-loop latency above includes. */
    static void printFloor(RunResult floor, int rate, PrintStream out) {
        out.println(String.format(
                Locale.ROOT,
                "generator floor (no-op requests at %d/s, included in every open-loop latency): "
                        + "p50 %s, p90 %s, p99 %s, p99.9 %s, max %s ms",
                rate,
                ms(floor.p50Micros()),
                ms(floor.p90Micros()),
                ms(floor.p99Micros()),
                ms(floor.p999Micros()),
                ms(floor.maxMicros())));
    }

    private static String run(String scenario, String system, String operation, RunResult run) {
        String mode = "open".equals(run.mode()) ? "open" : "closed";
        return String.format(
                Locale.ROOT,
                "%-9s %-8s %-52s %-6s %8s %8s %8s %8s %8s %8s | %9s %9s | %10s %7d",
                scenario,
                system,
                truncate(operation, 52),
                mode,
                ms(run.p50Micros()),
                ms(run.p90Micros()),
                ms(run.p99Micros()),
                ms(run.p999Micros()),
                ms(run.maxMicros()),
                ms(run.meanMicros()),
                ms(RunResult.micros(run.serviceTime(), 50)),
                ms(RunResult.micros(run.serviceTime(), 99)),
                rate(run.achievedRate()),
                run.errorCount());
    }

    private static void printErrors(String what, RunResult run, PrintStream out) {
        if (run == null || run.errors().isEmpty()) {
            return;
        }
        run.errors().forEach((reason, n) -> out.println("errors (" + what + "): " + n + " x " + reason));
    }

    private static String verdict(ScenarioResult r) {
        return switch (r.verdict()) {
            case PASS -> "PASS";
            case MISS -> "MISS";
            case NOT_JUDGED -> "n/a (rate differs from the target's)";
            case NOT_RUN -> "not run";
        };
    }

    static String ms(double micros) {
        return Double.isNaN(micros) ? "-" : String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.0f", perSecond);
    }

    static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.1fx", r);
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }
}
