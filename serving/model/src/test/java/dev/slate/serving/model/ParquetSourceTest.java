package dev.slate.serving.model;

import static dev.slate.serving.model.TestProjects.compile;
import static dev.slate.serving.model.TestProjects.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.parse.ParquetPaths;
import dev.slate.serving.model.spec.SourceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kind: parquet} sources: SQL resolvers on them compile, and paths that could leave the Parquet root do not. */
class ParquetSourceTest {

    private static String project(String path) {
        return """
                project: p
                sources:
                  users:
                    kind: parquet
                    path: %s
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      email: string
                      age: int
                resolvers:
                  - name: profile
                    source: users
                    sql: SELECT email, age FROM users WHERE id = :id
                """.formatted(path);
    }

    @Test
    void aSqlResolverOnAParquetSourceCompilesWithBindParameters() {
        FeatureGraph graph = compile(project("\"data/users.parquet\""));
        assertThat(graph.sources().get("users"))
                .isEqualTo(new SourceSpec.Parquet(
                        "users",
                        "data/users.parquet",
                        graph.sources().get("users").location()));
        ResolverNode profile = graph.resolvers().get("profile");
        assertThat(profile.source()).isEqualTo("users");
        assertThat(profile.positionalSql()).isEqualTo("SELECT email, age FROM users WHERE id = $1");
        assertThat(profile.parameters()).extracting(FeatureId::qualified).containsExactly("user.id");
        assertThat(profile.outputs()).extracting(ResolverNode.Output::column).containsExactly("email", "age");
    }

    @Test
    void foldersAndGlobsAreAccepted() {
        for (String path : List.of(
                "users",
                "data/users",
                "data/*.parquet",
                "data/**/part-*.parquet",
                "d/file-?.parquet",
                "d/[ab]*.parquet",
                "d/{a,b}.parquet",
                "'odd name/x.parquet'")) {
            assertThat(compile(project(path)).sources()).as(path).containsKey("users");
        }
    }

    @Test
    void aSqlFileResolverMayReadAParquetSource() {
        FeatureGraph graph = compile(
                """
                project: p
                sources:
                  users: {kind: parquet, path: users.parquet}
                entities:
                  user:
                    key: id
                    features: {id: int, email: string}
                """, "profile.sql", "-- source: users\nSELECT lower(email) AS email FROM users WHERE id = :id\n");
        assertThat(graph.resolvers().get("profile").source()).isEqualTo("users");
    }

    @Test
    void pathsThatCouldLeaveTheRootAreRejectedWithFileLineAndReason() {
        List<String> bad = List.of(
                "\"/etc/passwd\"",
                "\"../secrets/users.parquet\"",
                "\"data/../../x.parquet\"",
                "\"./users.parquet\"",
                "\"~/users.parquet\"",
                "\"C:/data/users.parquet\"",
                "\"data\\\\users.parquet\"",
                "\"s3://bucket/users.parquet\"",
                "\"data//users.parquet\"",
                "\"data/[unclosed.parquet\"",
                "\"\"");
        for (String path : bad) {
            List<ProjectProblem> problems = problems(project(path));
            assertThat(problems)
                    .as(path)
                    .extracting(ProjectProblem::code)
                    .contains(path.equals("\"\"") ? "MISSING_FIELD" : "INVALID_VALUE");
            ProjectProblem first = problems.getFirst();
            assertThat(first.location().file()).isEqualTo("slate.yaml");
            assertThat(first.location().line()).as(path).isEqualTo(5);
            assertThat(first.message()).as(path).contains("source 'users'");
        }
        assertThat(problems(project("\"../x.parquet\"")).getFirst().message())
                .contains("'..'")
                .contains("Parquet root");
        assertThat(problems(project("\"/abs/x.parquet\"")).getFirst().message()).contains("absolute");
    }

    @Test
    void aRejectedPathLeavesNoOrphanResolverProblem() {
        // the resolver names a source whose path was rejected: the path problem is the one to fix, not "unknown source"
        List<ProjectProblem> problems = problems(project("\"../x.parquet\""));
        assertThat(problems).extracting(ProjectProblem::code).doesNotContain("UNKNOWN_SOURCE");
    }

    @Test
    void unknownKeysOfAParquetSourceAreReported() {
        List<ProjectProblem> problems = problems(project("users.parquet")
                .replace("    path: users.parquet\n", "    path: users.parquet\n    url: \"postgresql://x/y\"\n"));
        assertThat(problems).extracting(ProjectProblem::code).containsExactly("UNKNOWN_FIELD");
        assertThat(problems.getFirst().location().line()).isEqualTo(6);
    }

    @Test
    void globDetection() {
        assertThat(ParquetPaths.isGlob("a/b.parquet")).isFalse();
        assertThat(ParquetPaths.isGlob("a/*.parquet")).isTrue();
        assertThat(ParquetPaths.isGlob("a/{x,y}.parquet")).isTrue();
        assertThat(ParquetPaths.check("a/b.parquet")).isEmpty();
    }
}
