package dev.slate.serving.model;

import static dev.slate.serving.model.TestProjects.BASE;
import static dev.slate.serving.model.TestProjects.files;
import static dev.slate.serving.model.TestProjects.onlyProblem;
import static dev.slate.serving.model.TestProjects.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.spec.SourceSpec.Postgres;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One broken project per problem code: the code, the file and the line (and column where it matters). */
class ProblemCodesTest {

    private static void assertAt(ProjectProblem p, ErrorCode code, String file, int line) {
        assertThat(p.code()).as("code of " + p).isEqualTo(code.name());
        assertThat(p.location().file()).as("file of " + p).isEqualTo(file);
        assertThat(p.location().line()).as("line of " + p).isEqualTo(line);
    }

    private static void assertAt(ProjectProblem p, ErrorCode code, String file, int line, int column) {
        assertAt(p, code, file, line);
        assertThat(p.location().column()).as("column of " + p).isEqualTo(column);
    }

    private static List<String> codes(List<ProjectProblem> problems) {
        return problems.stream().map(ProjectProblem::code).toList();
    }

    @Test
    void baseProjectIsValid() {
        assertThat(TestProjects.compile(BASE).features()).hasSize(3);
    }

    @Test
    void yamlSyntax() {
        ProjectProblem p = onlyProblem("""
                project: p
                entities:
                  user:
                    key: id
                     features: {id: int}
                """);
        assertAt(p, ErrorCode.YAML_SYNTAX, "slate.yaml", 5);
        assertThat(p.message()).startsWith("not valid YAML");
    }

    @Test
    void yamlSyntaxInAnUnclosedFlowMapping() {
        List<ProjectProblem> problems =
                problems(BASE, "more.yaml", "entities:\n  account: {key: id, features: {id: int}\n");
        assertThat(codes(problems)).containsExactly("YAML_SYNTAX");
        assertThat(problems.getFirst().location().file()).isEqualTo("more.yaml");
        assertThat(problems.getFirst().location().line()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void badFiles() {
        Map<String, String> files = files(
                BASE,
                "notes.txt",
                "hi",
                "../up.yaml",
                "entities: {}",
                "/abs.yaml",
                "entities: {}",
                "dir\\win.yaml",
                "entities: {}",
                "a/./b.sql",
                "SELECT 1");
        List<ProjectProblem> problems = problems(files);
        assertThat(problems).allSatisfy(p -> assertThat(p.code()).isEqualTo("BAD_FILE"));
        assertThat(problems)
                .extracting(p -> p.location().file())
                .containsExactlyInAnyOrder("notes.txt", "../up.yaml", "/abs.yaml", "dir\\win.yaml", "a/./b.sql");
        assertThat(problems)
                .filteredOn(p -> p.location().file().equals("notes.txt"))
                .first()
                .satisfies(p -> assertThat(p.message()).contains("*.sql"));
    }

    @Test
    void missingSlateYaml() {
        List<ProjectProblem> problems = problems(Map.of("slate.yml", "project: p\n"));
        assertThat(problems.getFirst().code()).isEqualTo("MISSING_FILE");
        assertThat(problems.getFirst().message()).contains("found slate.yml");
    }

    @Test
    void missingField() {
        ProjectProblem p = onlyProblem(BASE.replace("    source: db\n", ""));
        assertAt(p, ErrorCode.MISSING_FIELD, "slate.yaml", 12, 5);
        assertThat(p.message()).contains("resolver 'profile'").contains("'source'");
    }

    @Test
    void missingProjectName() {
        ProjectProblem p = onlyProblem(BASE.replace("project: p\n", "project:\n"));
        assertAt(p, ErrorCode.MISSING_FIELD, "slate.yaml", 1, 1);
    }

    @Test
    void unknownFieldWithSuggestion() {
        ProjectProblem p = onlyProblem(BASE.replace("      age: int\n", "      age: {type: int, max_stalenes: 10m}\n"));
        assertAt(p, ErrorCode.UNKNOWN_FIELD, "slate.yaml", 10, 24);
        assertThat(p.message()).contains("'max_stalenes'").contains("did you mean 'max_staleness'?");
    }

    @Test
    void unknownTopLevelField() {
        ProjectProblem p = onlyProblem(BASE + "entites: {}\n");
        assertAt(p, ErrorCode.UNKNOWN_FIELD, "slate.yaml", 15, 1);
        assertThat(p.message()).contains("did you mean 'entities'?");
    }

    @Test
    void unknownType() {
        ProjectProblem p = onlyProblem(BASE.replace("      age: int\n", "      age: integer\n"));
        assertAt(p, ErrorCode.UNKNOWN_TYPE, "slate.yaml", 10, 12);
        assertThat(p.message()).contains("'integer'").contains("int, float, string, bool, datetime, date, list<T>");
    }

    @Test
    void unknownFeatureInSelectList() {
        ProjectProblem p = onlyProblem(BASE.replace("SELECT email, age", "SELECT emial, age"));
        assertAt(p, ErrorCode.UNKNOWN_FEATURE, "slate.yaml", 14, 17);
        assertThat(p.message()).contains("'emial'").contains("did you mean 'email'?");
    }

    @Test
    void unknownFeatureInExpression() {
        ProjectProblem p = onlyProblem(BASE.replace(
                "      age: int\n",
                "      age: int\n      domain: {type: string, expression: \"emial.split('@')[1]\"}\n"));
        assertAt(p, ErrorCode.UNKNOWN_FEATURE, "slate.yaml", 11, 43);
        assertThat(p.message()).contains("'emial'").contains("did you mean 'email'?");
    }

    @Test
    void unknownEntity() {
        ProjectProblem p = onlyProblem(BASE.replace("    source: db\n", "    source: db\n    resolves: users\n"));
        assertAt(p, ErrorCode.UNKNOWN_ENTITY, "slate.yaml", 14, 15);
        assertThat(p.message()).contains("'users'").contains("did you mean 'user'?");
    }

    @Test
    void unknownSource() {
        ProjectProblem p = onlyProblem(BASE.replace("    source: db\n", "    source: dbb\n"));
        assertAt(p, ErrorCode.UNKNOWN_SOURCE, "slate.yaml", 13, 13);
        assertThat(p.message()).contains("'dbb'").contains("did you mean 'db'?");
    }

    @Test
    void duplicateResolverName() {
        ProjectProblem p = onlyProblem(BASE.replace("SELECT email, age", "SELECT email") + """
                  - name: profile
                    source: db
                    sql: SELECT age FROM users WHERE id = :id
                """);
        assertAt(p, ErrorCode.DUPLICATE_NAME, "slate.yaml", 15, 5);
    }

    @Test
    void duplicateEntityAcrossFiles() {
        ProjectProblem p = onlyProblem(BASE, "more/user.yaml", """
                entities:
                  user:
                    key: id
                    features: {id: int}
                """);
        assertAt(p, ErrorCode.DUPLICATE_NAME, "more/user.yaml", 2, 3);
        assertThat(p.message()).contains("slate.yaml:5:3");
    }

    @Test
    void duplicateKeyInAMapping() {
        ProjectProblem p = onlyProblem(BASE.replace("      age: int\n", "      age: int\n      age: float\n"));
        assertAt(p, ErrorCode.DUPLICATE_NAME, "slate.yaml", 11, 7);
        assertThat(p.message()).contains("'age' appears twice").contains("line 10");
    }

    @Test
    void cycleBetweenExpressions() {
        ProjectProblem p = onlyProblem(BASE.replace("      age: int\n", """
                      age: int
                      a: {type: int, expression: "b + 1"}
                      b: {type: int, expression: "a + age"}
                """));
        assertAt(p, ErrorCode.CYCLE, "slate.yaml", 11, 7);
        assertThat(p.message()).endsWith("user.a -> user.b -> user.a");
    }

    @Test
    void selfCycle() {
        ProjectProblem p = onlyProblem(
                BASE.replace("      age: int\n", "      age: int\n      a: {type: int, expression: \"a + 1\"}\n"));
        assertAt(p, ErrorCode.CYCLE, "slate.yaml", 11, 7);
        assertThat(p.message()).endsWith("user.a -> user.a");
    }

    @Test
    void cycleThroughResolvers() {
        ProjectProblem p = onlyProblem(BASE.replace("      age: int\n", """
                      age: int
                      x: string
                      y: string
                """) + """
                  - name: rx
                    source: db
                    sql: SELECT x FROM t WHERE y = :y
                  - name: ry
                    source: db
                    sql: SELECT y FROM t WHERE x = :x
                """);
        assertAt(p, ErrorCode.CYCLE, "slate.yaml", 11, 7);
        assertThat(p.message()).endsWith("user.x -> user.y -> user.x");
    }

    @Test
    void noResolver() {
        ProjectProblem p = onlyProblem(BASE.replace("      age: int\n", "      age: int\n      score: float\n"));
        assertAt(p, ErrorCode.NO_RESOLVER, "slate.yaml", 11, 7);
        assertThat(p.message()).contains("user.score").contains("ingested: true");
    }

    @Test
    void unboundParameterPointsIntoMultiLineSql() {
        String yaml = BASE.replace("    sql: SELECT email, age FROM users WHERE id = :id\n", """
                    sql: |
                      SELECT email,
                             age
                      FROM users
                      WHERE id = :uid
                """);
        ProjectProblem p = onlyProblem(yaml);
        assertAt(p, ErrorCode.UNBOUND_PARAMETER, "slate.yaml", 18, 18);
        assertThat(p.message()).contains(":uid").contains("did you mean 'id'?");
    }

    @Test
    void unboundParameterInSqlFile() {
        ProjectProblem p = onlyProblem(BASE, "extra.sql", """
                -- resolves: user
                -- source: db

                SELECT age
                FROM users
                WHERE email = :mail
                """);
        assertAt(p, ErrorCode.UNBOUND_PARAMETER, "extra.sql", 6, 15);
    }

    @Test
    void badExpressionSyntax() {
        ProjectProblem p = onlyProblem(
                BASE.replace("      age: int\n", "      age: int\n      next: {type: int, expression: \"age +\"}\n"));
        assertAt(p, ErrorCode.BAD_EXPRESSION, "slate.yaml", 11);
        assertThat(p.message()).contains("mismatched input");
    }

    @Test
    void badExpressionResultType() {
        ProjectProblem p = onlyProblem(
                BASE.replace("      age: int\n", "      age: int\n      n: {type: int, expression: \"email\"}\n"));
        assertAt(p, ErrorCode.BAD_EXPRESSION, "slate.yaml", 11);
        assertThat(p.message()).contains("returns string").contains("declared int");
    }

    @Test
    void badExpressionTypeErrorFromCel() {
        ProjectProblem p = onlyProblem(
                BASE.replace("      age: int\n", "      age: int\n      n: {type: bool, expression: \"age > 'x'\"}\n"));
        assertAt(p, ErrorCode.BAD_EXPRESSION, "slate.yaml", 11);
        assertThat(p.message()).contains("no matching overload");
    }

    @Test
    void badDurations() {
        List<ProjectProblem> problems =
                problems(BASE.replace("    key: id\n", "    key: id\n    max_staleness: 10 minutes\n")
                        .replace("      age: int\n", "      age: {type: int, max_staleness: -5m}\n")
                        .replace("    source: db\n", "    source: db\n    timeout: 0s\n"));
        assertThat(codes(problems)).containsExactly("BAD_DURATION", "BAD_DURATION", "BAD_DURATION");
        assertAt(problems.get(0), ErrorCode.BAD_DURATION, "slate.yaml", 7, 20);
        assertAt(problems.get(1), ErrorCode.BAD_DURATION, "slate.yaml", 11);
        assertThat(problems.get(1).message()).contains("negative");
        assertAt(problems.get(2), ErrorCode.BAD_DURATION, "slate.yaml", 15);
    }

    @Test
    void keyNotDeclared() {
        ProjectProblem p = onlyProblem(BASE.replace("    key: id\n", "    key: uid\n"));
        assertAt(p, ErrorCode.INVALID_KEY, "slate.yaml", 6, 10);
        assertThat(p.message()).contains("'uid'");
    }

    @Test
    void keyOfWrongType() {
        ProjectProblem p = onlyProblem(BASE.replace("      id: int\n", "      id: float\n"));
        assertAt(p, ErrorCode.INVALID_KEY, "slate.yaml", 8, 7);
        assertThat(p.message()).contains("int or string");
    }

    @Test
    void twoResolversProduceOneFeature() {
        ProjectProblem p = onlyProblem(BASE + """
                  - name: again
                    source: db
                    sql: SELECT age FROM people WHERE id = :id
                """);
        assertAt(p, ErrorCode.AMBIGUOUS_RESOLVER, "slate.yaml", 17, 17);
        assertThat(p.message())
                .contains("user.age")
                .contains("resolver profile")
                .contains("resolver again");
    }

    @Test
    void resolverOutputWithExpression() {
        ProjectProblem p = onlyProblem(BASE.replace("      age: int\n", "      age: {type: int, expression: \"1\"}\n"));
        assertAt(p, ErrorCode.AMBIGUOUS_RESOLVER, "slate.yaml", 14, 24);
        assertThat(p.message()).contains("an expression").contains("resolver profile");
    }

    @Test
    void ambiguousEntity() {
        ProjectProblem p = onlyProblem(BASE.replace("resolvers:\n", """
                  admin:
                    key: id
                    features: {id: int, email: string, age: int}
                resolvers:
                  - name: admin_profile
                    source: db
                    resolves: admin
                    sql: SELECT email, age FROM admins WHERE id = :id
                """));
        assertAt(p, ErrorCode.AMBIGUOUS_ENTITY, "slate.yaml", 19, 5);
        assertThat(p.message()).contains("user, admin").contains("resolves:");
    }

    @Test
    void unsupportedParts() {
        FeatureGraph graph = TestProjects.compile(BASE.replace("      age: int\n", """
                              age: int
                              clicks: int
                        """)
                        .replace("sources:\n", "sources:\n  events: {kind: parquet, path: \"events/*.parquet\"}\n")
                + """
                  - name: from_files
                    source: events
                    sql: SELECT clicks FROM events WHERE id = :id
                """);
        // SQL on a parquet source, HTTP resolvers (HttpResolverFormatTest), relations and aggregations (RelationsTest)
        // are all supported: this project compiles
        assertThat(graph.resolvers()).containsKey("from_files");
    }

    @Test
    void plaintextPasswordIsReportedWithoutEchoingIt() {
        ProjectProblem p = onlyProblem(BASE.replace(
                "url: \"postgresql://localhost/x\"}", "url: \"postgresql://localhost/x\", password: hunter2}"));
        assertAt(p, ErrorCode.PLAINTEXT_SECRET, "slate.yaml", 3);
        assertThat(p.message()).doesNotContain("hunter2").contains("${secret:");
    }

    @Test
    void passwordInUrl() {
        ProjectProblem p = onlyProblem(BASE.replace("postgresql://localhost/x", "postgresql://app:s3cret@localhost/x"));
        assertAt(p, ErrorCode.PLAINTEXT_SECRET, "slate.yaml", 3, 29);
        assertThat(p.message()).doesNotContain("s3cret");
    }

    @Test
    void referencesAreAcceptedForUrlUserAndPassword() {
        var graph = TestProjects.compile(BASE.replace(
                "url: \"postgresql://localhost/x\"}",
                "url: \"${env:DB_URL}\", username: \"${secret:db_user}\", password: \"${secret:db.password}\"}"));
        var source = (Postgres) graph.sources().get("db");
        assertThat(source.url()).isEqualTo("${env:DB_URL}");
        assertThat(source.password()).contains("${secret:db.password}");
    }

    @Test
    void selectStar() {
        ProjectProblem p = onlyProblem(BASE.replace("SELECT email, age", "SELECT *"));
        assertAt(p, ErrorCode.BAD_SQL, "slate.yaml", 14, 10);
        assertThat(p.message()).contains("SELECT *");
    }

    @Test
    void selectStarWithOutputsIsFine() {
        var graph = TestProjects.compile(BASE.replace("SELECT email, age", "SELECT *")
                .replace("    source: db\n", "    source: db\n    outputs: [email, age]\n"));
        assertThat(graph.resolvers().get("profile").outputs())
                .extracting(o -> o.column())
                .containsExactly("email", "age");
    }

    @Test
    void notASelect() {
        ProjectProblem p = onlyProblem(BASE.replace(
                "sql: SELECT email, age FROM users WHERE id = :id", "sql: UPDATE users SET age = 1 WHERE id = :id"));
        assertAt(p, ErrorCode.BAD_SQL, "slate.yaml", 14, 10);
        assertThat(p.message()).contains("one SELECT");
    }

    @Test
    void expressionColumnWithoutAlias() {
        ProjectProblem p = onlyProblem(BASE.replace("SELECT email, age", "SELECT email, count(*)"));
        assertAt(p, ErrorCode.BAD_SQL, "slate.yaml", 14, 24);
        assertThat(p.message()).contains("count(*)").contains("AS");
    }

    @Test
    void invalidValuesAndNames() {
        List<ProjectProblem> problems = problems(BASE.replace(
                        "url: \"postgresql://localhost/x\"}", "url: \"postgresql://localhost/x\", max_connections: 0}")
                .replace("      age: int\n", "      age: int\n      now: datetime\n"));
        assertThat(codes(problems)).containsExactly("INVALID_VALUE", "INVALID_NAME", "NO_RESOLVER");
        assertAt(problems.get(1), ErrorCode.INVALID_NAME, "slate.yaml", 11, 7);
    }

    @Test
    void severalProblemsAreAllReported() {
        String yaml = """
                project: p
                sources:
                  db: {kind: postgres, url: "postgresql://localhost/x", password: plain}
                entities:
                  user:
                    key: id
                    max_staleness: soon
                    features:
                      id: int
                      email: strng
                      age: int
                      domain: {type: string, expression: "email.split('@')["}
                      score: float
                resolvers:
                  - name: profile
                    source: dbx
                    sql: SELECT email, age FROM users WHERE id = :id
                """;
        List<ProjectProblem> problems = problems(
                yaml, "broken.yaml", "entities: [\n", "t.sql", "-- source: db\nSELECT amount FROM t WHERE id = :id\n");
        assertThat(codes(problems))
                .containsExactlyInAnyOrder(
                        "PLAINTEXT_SECRET",
                        "BAD_DURATION",
                        "UNKNOWN_TYPE",
                        "BAD_EXPRESSION",
                        "UNKNOWN_SOURCE",
                        "YAML_SYNTAX",
                        "UNKNOWN_FEATURE");
        assertThat(problems)
                .extracting(p -> p.location().toString())
                .contains("slate.yaml:3:67", "slate.yaml:7:20", "slate.yaml:10:14", "slate.yaml:16:13");
        // sorted by file, then line
        assertThat(problems).extracting(p -> p.location().file()).isSorted();
    }
}
