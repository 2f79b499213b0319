package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One scenario: the Slate run, its raw baseline and (in (a) and (b), when a floor server runs) the
 * floor ({@link FloorServer}), measured one after the other in the same run.
 *
 * @param slate null when only the baselines ran
 * @param baseline null when the scenario has no baseline run
 * @param floorOperation what the floor run did; empty when there is none
 * @param floor null when the floor was not measured
 */
record ScenarioResult(
        ScenarioId id,
        String description,
        Goal goal,
        String slateOperation,
        RunResult slate,
        String baselineOperation,
        RunResult baseline,
        String floorOperation,
        RunResult floor,
        List<String> notes) {

    ScenarioResult {
        requireNonNull(id, "id is null");
        requireNonNull(description, "description is null");
        requireNonNull(goal, "goal is null");
        requireNonNull(slateOperation, "slateOperation is null");
        requireNonNull(baselineOperation, "baselineOperation is null");
        requireNonNull(floorOperation, "floorOperation is null");
        notes = List.copyOf(notes);
    }

    Goal.Verdict verdict() {
        return goal.judge(slate, baseline);
    }

    /** Slate p50 over baseline p50; NaN when either is missing. */
    double ratioP50() {
        return ratio(p50(slate), p50(baseline));
    }

    double ratioP99() {
        return ratio(p99(slate), p99(baseline));
    }

    /** Baseline throughput over Slate throughput (closed loop: how many times more the raw client did). */
    double ratioThroughput() {
        return ratio(rate(baseline), rate(slate));
    }

    /** Slate p50 over the floor's p50; NaN when either is missing. */
    double floorRatioP50() {
        return ratio(p50(slate), p50(floor));
    }

    double floorRatioP99() {
        return ratio(p99(slate), p99(floor));
    }

    /** Slate throughput as a share of the raw baseline's (closed loop: the "≥ 40% of raw Redis"). */
    double slateShareOfBaselineThroughput() {
        return ratio(rate(slate), rate(baseline));
    }

    /** Slate throughput as a share of the floor's. */
    double slateShareOfFloorThroughput() {
        return ratio(rate(slate), rate(floor));
    }

    private static double p50(RunResult r) {
        return r == null ? Double.NaN : r.p50Micros();
    }

    private static double p99(RunResult r) {
        return r == null ? Double.NaN : r.p99Micros();
    }

    private static double rate(RunResult r) {
        return r == null ? Double.NaN : r.achievedRate();
    }

    private static double ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
    }
}
