package dev.slate.serving.model;

import static dev.slate.serving.model.TestProjects.BASE;
import static dev.slate.serving.model.TestProjects.compile;
import static dev.slate.serving.model.TestProjects.onlyProblem;
import static dev.slate.serving.model.TestProjects.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.spec.AlertSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code alerts:}: read with their form checked, refused with file, line and reason (docs/specs/project-format.md). */
class AlertFormatTest {

    /** Line 16 is the first alert's name, line 17 its formula. */
    private static final String PROJECT = BASE + """
            alerts:
              - name: resolver-errors
                formula: rate(slate_resolver_errors_total{resolver="profile"})
                threshold: 0.5
                window: 2m
                severity: critical
                owner: team-risk
                channels: [oncall]
                description: profile fails more than once every 2 s
              - name: stale_age
                formula: slate_feature_served_age_max_seconds{feature="user.age"}
                comparator: ">="
                threshold: 3600
                owner: team-risk
            """;

    @Test
    void readsEveryFieldWithDefaults() {
        FeatureGraph g = compile(PROJECT);
        assertThat(g.alerts()).extracting(AlertSpec::name).containsExactly("resolver-errors", "stale_age");
        AlertSpec first = g.alerts().getFirst();
        assertThat(first.formula()).isEqualTo("rate(slate_resolver_errors_total{resolver=\"profile\"})");
        assertThat(first.comparator()).isEqualTo(">");
        assertThat(first.threshold()).isEqualTo(0.5);
        assertThat(first.window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(first.severity()).isEqualTo("critical");
        assertThat(first.channels()).containsExactly("oncall");
        assertThat(first.description()).contains("profile fails more than once every 2 s");
        assertThat(first.location().line()).isEqualTo(16);
        assertThat(first.formulaLocation().line()).isEqualTo(17);
        AlertSpec second = g.alerts().get(1);
        assertThat(second.comparator()).isEqualTo(">=");
        assertThat(second.window()).isEqualTo(Duration.ZERO);
        assertThat(second.severity()).isEqualTo("warning");
        assertThat(second.channels()).isEmpty();
    }

    @Test
    void aProjectWithoutAlertsHasNone() {
        assertThat(compile(BASE).alerts()).isEmpty();
    }

    @Test
    void alertsMayLiveInAnotherFile() {
        FeatureGraph g = compile(BASE, "alerts.yaml", """
                alerts:
                  - {name: backlog, formula: slate_feature_log_backlog_bytes, threshold: 1e9, owner: ops}
                """);
        assertThat(g.alerts()).singleElement().satisfies(a -> {
            assertThat(a.threshold()).isEqualTo(1e9);
            assertThat(a.location().file()).isEqualTo("alerts.yaml");
        });
    }

    @Test
    void badFieldsAreRefusedAtTheirLines() {
        assertThat(onlyProblem(PROJECT.replace("threshold: 0.5", "threshold: high")))
                .satisfies(p -> {
                    assertThat(p.code()).isEqualTo("INVALID_VALUE");
                    assertThat(p.location().line()).isEqualTo(18);
                    assertThat(p.message()).contains("threshold of alert 'resolver-errors' must be a finite number");
                });
        assertThat(onlyProblem(PROJECT.replace("comparator: \">=\"", "comparator: \"=>\"")))
                .satisfies(p -> {
                    assertThat(p.location().line()).isEqualTo(26);
                    assertThat(p.message()).contains("must be one of > >= < <=");
                });
        assertThat(onlyProblem(PROJECT.replace("window: 2m", "window: soon"))).satisfies(p -> {
            assertThat(p.code()).isEqualTo("BAD_DURATION");
            assertThat(p.location().line()).isEqualTo(19);
        });
        assertThat(onlyProblem(PROJECT.replace("severity: critical", "severity: urgent"))
                        .message())
                .contains("info, warning or critical");
        assertThat(onlyProblem(PROJECT.replace("name: stale_age", "name: Stale Age"))
                        .code())
                .isEqualTo("INVALID_NAME");
        assertThat(onlyProblem(PROJECT.replace("    owner: team-risk\n    channels", "    channels"))
                        .message())
                .contains("alert 'resolver-errors' has no 'owner'");
        assertThat(onlyProblem(PROJECT.replace(
                                "    description: profile fails", "    colour: red\n    description: profile fails"))
                        .code())
                .isEqualTo("UNKNOWN_FIELD");
    }

    @Test
    void aNameDeclaredTwiceIsRefused() {
        List<ProjectProblem> p = problems(PROJECT.replace("name: stale_age", "name: resolver-errors"));
        assertThat(p).singleElement().satisfies(problem -> {
            assertThat(problem.code()).isEqualTo("DUPLICATE_NAME");
            assertThat(problem.location().line()).isEqualTo(24);
            assertThat(problem.message()).contains("first at line 16");
        });
    }

    @Test
    void alertsMustBeAList() {
        assertThat(onlyProblem(BASE + "alerts: {a: b}\n").message()).contains("alerts must be a list");
    }
}
