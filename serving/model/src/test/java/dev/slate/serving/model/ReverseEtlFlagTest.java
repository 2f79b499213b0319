package dev.slate.serving.model;

import static dev.slate.serving.model.TestProjects.compile;
import static dev.slate.serving.model.TestProjects.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.GraphDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code etl_offline_to_online: true}: parsed onto the feature, rejected where it cannot work, no effect on versions. */
class ReverseEtlFlagTest {

    private static final String PROJECT = """
            project: p
            entities:
              user:
                key: id
                max_staleness: 1h
                features:
                  id: int
                  score: {type: float, ingested: true, etl_offline_to_online: true}
                  segment: {type: string, ingested: true}
            """;

    @Test
    void theFlagIsOnTheFeatureNode() {
        FeatureGraph graph = compile(PROJECT);
        assertThat(graph.feature(new FeatureId("user", "score")).orElseThrow().etlOfflineToOnline())
                .isTrue();
        assertThat(graph.feature(new FeatureId("user", "segment")).orElseThrow().etlOfflineToOnline())
                .isFalse();
        assertThat(graph.feature(new FeatureId("user", "id")).orElseThrow().etlOfflineToOnline())
                .isFalse();
    }

    @Test
    void theCatalogShowsTheFlag() {
        FeatureGraph graph = compile(PROJECT);
        assertThat(GraphDescription.feature(
                        graph.feature(new FeatureId("user", "score")).orElseThrow()))
                .containsEntry("etl_offline_to_online", true);
        assertThat(GraphDescription.feature(
                        graph.feature(new FeatureId("user", "segment")).orElseThrow()))
                .containsEntry("etl_offline_to_online", false);
    }

    @Test
    void theFlagDoesNotChangeVersions() {
        FeatureGraph with = compile(PROJECT);
        FeatureGraph without = compile(PROJECT.replace(", etl_offline_to_online: true", ""));
        assertThat(with.feature(new FeatureId("user", "score")).orElseThrow().version())
                .isEqualTo(without.feature(new FeatureId("user", "score"))
                        .orElseThrow()
                        .version());
    }

    @Test
    void onTheKeyItIsRejected() {
        List<ProjectProblem> problems =
                problems(PROJECT.replace("      id: int\n", "      id: {type: int, etl_offline_to_online: true}\n"));
        assertThat(problems).extracting(ProjectProblem::code).containsExactly("INVALID_VALUE");
        assertThat(problems.getFirst().location().line()).isEqualTo(7);
        assertThat(problems.getFirst().message()).contains("user.id").contains("key");
    }

    @Test
    void onANeverCachedFeatureItIsRejected() {
        List<ProjectProblem> problems = problems(
                PROJECT.replace("etl_offline_to_online: true}", "etl_offline_to_online: true, max_staleness: 0s}"));
        assertThat(problems).extracting(ProjectProblem::code).containsExactly("INVALID_VALUE");
        assertThat(problems.getFirst().location().line()).isEqualTo(8);
        assertThat(problems.getFirst().message()).contains("user.score").contains("0s");
    }

    @Test
    void aValueThatIsNotABooleanIsRejected() {
        List<ProjectProblem> problems =
                problems(PROJECT.replace("etl_offline_to_online: true", "etl_offline_to_online: sometimes"));
        assertThat(problems).extracting(ProjectProblem::code).containsExactly("INVALID_VALUE");
        assertThat(problems.getFirst().location().line()).isEqualTo(8);
    }

    @Test
    void aTypoIsAnUnknownFieldWithASuggestion() {
        List<ProjectProblem> problems = problems(PROJECT.replace("etl_offline_to_online", "etl_offline_to_onlin"));
        assertThat(problems).extracting(ProjectProblem::code).containsExactly("UNKNOWN_FIELD");
        assertThat(problems.getFirst().message()).contains("etl_offline_to_online");
    }
}
