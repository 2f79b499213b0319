package dev.slate.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.slate.serving.model.graph.FeatureGraph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small projects for tests and helpers to compile them. */
public final class TestProjects {
    private TestProjects() {}

    /** A valid one-entity project; line numbers matter to tests. */
    public static final String BASE = """
            project: p
            sources:
              db: {kind: postgres, url: "postgresql://localhost/x"}
            entities:
              user:
                key: id
                features:
                  id: int
                  email: string
                  age: int
            resolvers:
              - name: profile
                source: db
                sql: SELECT email, age FROM users WHERE id = :id
            """;

    public static Map<String, String> files(String slateYaml, String... more) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("slate.yaml", slateYaml);
        for (int i = 0; i < more.length; i += 2) {
            files.put(more[i], more[i + 1]);
        }
        return files;
    }

    public static FeatureGraph compile(String slateYaml, String... more) {
        try {
            return ProjectCompiler.compile(files(slateYaml, more));
        } catch (ProjectValidationException e) {
            throw new AssertionError("expected a valid project, got: " + e.getMessage(), e);
        }
    }

    public static List<ProjectProblem> problems(Map<String, String> files) {
        ProjectValidationException e =
                catchThrowableOfType(ProjectValidationException.class, () -> ProjectCompiler.compile(files));
        assertThat(e).as("expected the project to be rejected").isNotNull();
        return e.problems();
    }

    public static List<ProjectProblem> problems(String slateYaml, String... more) {
        return problems(files(slateYaml, more));
    }

    /** Asserts there is exactly one problem and returns it. */
    public static ProjectProblem onlyProblem(String slateYaml, String... more) {
        List<ProjectProblem> problems = problems(slateYaml, more);
        assertThat(problems).as("problems").hasSize(1);
        return problems.getFirst();
    }
}
