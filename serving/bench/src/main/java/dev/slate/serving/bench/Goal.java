package dev.slate.serving.bench;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A target of the Performance section.
 *
 * @param text how the table shows it
 * @param maxP50Micros p50 must be at most this, when set
 * @param maxP99Micros p99 must be at most this, when set
 * @param atRate the target holds at this open-loop rate; a run at another rate is not judged
 * @param minRate achieved throughput must be at least this (closed loop), when set
 * @param maxP99OverBaseline p99 must be at most this many times the raw baseline's p99 in the same run, when set
 */
record Goal(
        String text,
        Optional<Double> maxP50Micros,
        Optional<Double> maxP99Micros,
        Optional<Integer> atRate,
        Optional<Double> minRate,
        Optional<Double> maxP99OverBaseline) {

    /** The outcome of judging one run. */
    enum Verdict {
        PASS,
        MISS,
        NOT_JUDGED,
        NOT_RUN
    }

    Goal {
        requireNonNull(text, "text is null");
        requireNonNull(maxP50Micros, "maxP50Micros is null");
        requireNonNull(maxP99Micros, "maxP99Micros is null");
        requireNonNull(atRate, "atRate is null");
        requireNonNull(minRate, "minRate is null");
        requireNonNull(maxP99OverBaseline, "maxP99OverBaseline is null");
    }

    static Goal of(ScenarioId id) {
        return switch (id) {
            case A_OPEN ->
                new Goal(
                        "p50<=0.5ms p99<=1.5ms @1000/s",
                        Optional.of(500.0),
                        Optional.of(1500.0),
                        Optional.of(1000),
                        Optional.empty(),
                        Optional.empty());
            case A_CLOSED ->
                new Goal(
                        ">=5000 req/s closed loop",
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(5000.0),
                        Optional.empty());
            case B ->
                new Goal(
                        "p99<=8ms",
                        Optional.empty(),
                        Optional.of(8000.0),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty());
            case C ->
                new Goal(
                        "p99<=5ms @500/s",
                        Optional.empty(),
                        Optional.of(5000.0),
                        Optional.of(500),
                        Optional.empty(),
                        Optional.empty());
            case D ->
                new Goal(
                        "p99<=3x baseline",
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(3.0));
        };
    }

    /** {@link #judge(RunResult, RunResult)} without a baseline run: a goal relative to the baseline is then not judged. */
    Verdict judge(RunResult run) {
        return judge(run, null);
    }

    /**
     * A run misses on any error; an open-loop run also misses when it fell more than 5% short of its rate. A goal
     * relative to the baseline is not judged when the baseline did not run cleanly.
     */
    Verdict judge(RunResult run, RunResult baseline) {
        if (run == null) {
            return Verdict.NOT_RUN;
        }
        if (atRate.isPresent() && Math.round(run.targetRate()) != atRate.get()) {
            return Verdict.NOT_JUDGED;
        }
        if (run.errorCount() > 0 || run.completed() == 0) {
            return Verdict.MISS;
        }
        if ("open".equals(run.mode()) && run.achievedRate() < 0.95 * run.targetRate()) {
            return Verdict.MISS;
        }
        if (maxP50Micros.isPresent() && run.p50Micros() > maxP50Micros.get()) {
            return Verdict.MISS;
        }
        if (maxP99Micros.isPresent() && run.p99Micros() > maxP99Micros.get()) {
            return Verdict.MISS;
        }
        if (minRate.isPresent() && run.achievedRate() < minRate.get()) {
            return Verdict.MISS;
        }
        if (maxP99OverBaseline.isPresent()) {
            if (baseline == null || baseline.completed() == 0 || baseline.errorCount() > 0) {
                return Verdict.NOT_JUDGED;
            }
            if (run.p99Micros() > maxP99OverBaseline.get() * baseline.p99Micros()) {
                return Verdict.MISS;
            }
        }
        return Verdict.PASS;
    }
}
