package dev.slate.serving.model;

import static dev.slate.serving.model.TestProjects.BASE;
import static dev.slate.serving.model.TestProjects.compile;
import static dev.slate.serving.model.TestProjects.onlyProblem;
import static dev.slate.serving.model.TestProjects.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.GraphDescription;
import dev.slate.serving.model.graph.NamedQuery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code named_queries:}: bound against the graph, refused with file, line and reason when they cannot be served. */
class NamedQueryFormatTest {

    /** Lines 17 and 18 of the project are the first query's inputs and outputs. */
    private static final String PROJECT = BASE + """
            named_queries:
              - name: profile
                inputs: [user.id]
                outputs: [user.email, user.age]
                staleness: {user.age: 0s}
                owner: risk@example.com
                tags: [fraud, pii]
                description: What the checkout asks.
              - name: profile
                version: 2
                inputs: [user.id]
                outputs: [user.email]
                staleness: 5m
            """;

    @Test
    void bindsEveryVersion() {
        FeatureGraph g = compile(PROJECT);
        assertThat(g.namedQueries()).extracting(NamedQuery::label).containsExactly("profile@1", "profile@2");
        NamedQuery v1 = g.namedQueries().getFirst();
        assertThat(v1.inputs()).extracting(FeatureId::qualified).containsExactly("user.id");
        assertThat(v1.outputs()).extracting(FeatureId::qualified).containsExactly("user.email", "user.age");
        assertThat(v1.staleness()).containsEntry(new FeatureId("user", "age"), Duration.ZERO);
        assertThat(v1.owner()).contains("risk@example.com");
        assertThat(v1.tags()).containsExactlyInAnyOrder("fraud", "pii");
        assertThat(g.namedQueries().get(1).staleness())
                .containsEntry(new FeatureId("user", "email"), Duration.ofMinutes(5));

        Map<String, Object> listed = GraphDescription.namedQueries(g).getFirst();
        assertThat(listed)
                .containsEntry("name", "profile")
                .containsEntry("version", 1)
                .containsEntry("outputs", List.of("user.email", "user.age"))
                .containsEntry("staleness", Map.of("user.age", "0s"))
                .containsEntry("tags", List.of("fraud", "pii"));
    }

    @Test
    void anUnknownFeatureIsRefusedAtItsLine() {
        ProjectProblem p =
                onlyProblem(PROJECT.replace("outputs: [user.email, user.age]", "outputs: [user.email, user.agee]"));
        assertThat(p.code()).isEqualTo("UNKNOWN_FEATURE");
        assertThat(p.location().line()).isEqualTo(18);
        assertThat(p.message()).contains("named query 'profile' version 1").contains("did you mean 'user.age'");
    }

    @Test
    void anOutputThatCannotBePlannedFromTheInputsIsRefused() {
        ProjectProblem p = onlyProblem(PROJECT.replace(
                "inputs: [user.id]\n    outputs: [user.email, user.age]",
                "inputs: [user.email]\n    outputs: [user.email, user.age]"));
        assertThat(p.code()).isEqualTo("INVALID_VALUE");
        assertThat(p.location().line()).isEqualTo(18);
        assertThat(p.message())
                .contains("user.age cannot be computed from its inputs")
                .contains("user.id");
    }

    @Test
    void aDuplicateVersionAndBadValuesAreRefused() {
        List<ProjectProblem> problems =
                problems(PROJECT.replace("version: 2", "version: 1").replace("staleness: 5m", "staleness: soon"));
        assertThat(problems)
                .extracting(ProjectProblem::code)
                .containsExactlyInAnyOrder("DUPLICATE_NAME", "BAD_DURATION");
        assertThat(problems(PROJECT.replace("    version: 2\n", "    version: zero\n")))
                .extracting(ProjectProblem::code)
                .contains("INVALID_VALUE");
        assertThat(onlyProblem(PROJECT.replace("    owner: risk@example.com\n", "    owners: x\n"))
                        .code())
                .isEqualTo("UNKNOWN_FIELD");
    }
}
