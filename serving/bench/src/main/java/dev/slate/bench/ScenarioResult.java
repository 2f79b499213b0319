package dev.slate.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One scenario: the Slate run and its raw baseline, measured one after the other in the same run.
 *
 * @param slate null when only the baseline ran
 * @param baseline null when the scenario has no baseline run
 */
record ScenarioResult(
        ScenarioId id,
        String description,
        Goal goal,
        String slateOperation,
        RunResult slate,
        String baselineOperation,
        RunResult baseline,
        List<String> notes) {

    ScenarioResult {
        requireNonNull(id, "id is null");
        requireNonNull(description, "description is null");
        requireNonNull(goal, "goal is null");
        requireNonNull(slateOperation, "slateOperation is null");
        requireNonNull(baselineOperation, "baselineOperation is null");
        notes = List.copyOf(notes);
    }

    Goal.Verdict verdict() {
        return goal.judge(slate);
    }

    /** Slate p50 over baseline p50; NaN when either is missing. */
    double ratioP50() {
        return ratio(slate == null ? Double.NaN : slate.p50Micros(), baseline == null ? Double.NaN : baseline.p50Micros());
    }

    double ratioP99() {
        return ratio(slate == null ? Double.NaN : slate.p99Micros(), baseline == null ? Double.NaN : baseline.p99Micros());
    }

    /** Baseline throughput over Slate throughput (closed loop: how many times more the raw client did). */
    double ratioThroughput() {
        return ratio(baseline == null ? Double.NaN : baseline.achievedRate(), slate == null ? Double.NaN : slate.achievedRate());
    }

    private static double ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
    }
}
