package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class GoalTest {

    private static RunResult open(double rate, double achieved, long p50Micros, long p99Micros, long errors) {
        Histogram h = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NANOS, 3);
        h.recordValueWithCount(p50Micros * 1000, 98);
        h.recordValueWithCount(p99Micros * 1000, 2);
        return new RunResult(
                "open", rate, 32, 100, errors == 0 ? Map.of() : Map.of("HTTP 500", errors), achieved, 15, h, h.copy());
    }

    @Test
    void scenarioAPassesOnlyWithBothPercentilesUnderTarget() {
        Goal a = Goal.of(ScenarioId.A_OPEN);
        assertThat(a.judge(open(1000, 1000, 400, 1200, 0))).isEqualTo(Goal.Verdict.PASS);
        assertThat(a.judge(open(1000, 1000, 600, 1200, 0))).isEqualTo(Goal.Verdict.MISS);
        assertThat(a.judge(open(1000, 1000, 400, 1700, 0))).isEqualTo(Goal.Verdict.MISS);
    }

    @Test
    void errorsShortfallAndOtherRatesAreNotAPass() {
        Goal a = Goal.of(ScenarioId.A_OPEN);
        assertThat(a.judge(open(1000, 1000, 400, 1200, 1))).isEqualTo(Goal.Verdict.MISS);
        assertThat(a.judge(open(1000, 800, 400, 1200, 0))).isEqualTo(Goal.Verdict.MISS);
        assertThat(a.judge(open(500, 500, 400, 1200, 0))).isEqualTo(Goal.Verdict.NOT_JUDGED);
        assertThat(a.judge(null)).isEqualTo(Goal.Verdict.NOT_RUN);
    }

    @Test
    void closedLoopNeedsTheThroughput() {
        Goal closed = Goal.of(ScenarioId.A_CLOSED);
        Histogram h = new Histogram(LoadGenerator.HIGHEST_TRACKABLE_NANOS, 3);
        h.recordValue(5_000_000);
        assertThat(closed.judge(new RunResult("closed", 0, 32, 90_000, Map.of(), 6000, 15, h, h)))
                .isEqualTo(Goal.Verdict.PASS);
        assertThat(closed.judge(new RunResult("closed", 0, 32, 60_000, Map.of(), 4000, 15, h, h)))
                .isEqualTo(Goal.Verdict.MISS);
    }

    @Test
    void scenarioDIsJudgedByItsRatioToTheBaseline() {
        Goal d = Goal.of(ScenarioId.D);
        RunResult baseline = open(5, 5, 1000, 2000, 0);
        assertThat(d.judge(open(5, 5, 3000, 5900, 0), baseline)).isEqualTo(Goal.Verdict.PASS);
        assertThat(d.judge(open(5, 5, 3000, 6100, 0), baseline)).isEqualTo(Goal.Verdict.MISS);
        assertThat(d.judge(open(5, 5, 3000, 5900, 0))).isEqualTo(Goal.Verdict.NOT_JUDGED);
        assertThat(d.judge(open(5, 5, 3000, 5900, 0), open(5, 5, 1000, 2000, 3)))
                .isEqualTo(Goal.Verdict.NOT_JUDGED);
        assertThat(d.judge(open(5, 5, 3000, 5900, 2), baseline)).isEqualTo(Goal.Verdict.MISS);
    }
}
