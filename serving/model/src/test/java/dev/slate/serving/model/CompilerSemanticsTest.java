package dev.slate.serving.model;

import static dev.slate.serving.model.TestProjects.BASE;
import static dev.slate.serving.model.TestProjects.compile;
import static dev.slate.serving.model.TestProjects.onlyProblem;
import static dev.slate.serving.model.TestProjects.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompilerSemanticsTest {

    private static FeatureId id(String q) {
        return FeatureId.parse(q).orElseThrow();
    }

    @Test
    void ingestedFeaturesNeedNoResolver() {
        FeatureGraph g = compile(
                BASE.replace("      age: int\n", "      age: int\n      score: {type: float, ingested: true}\n"));
        assertThat(g.feature(id("user.score")).orElseThrow().producer()).isInstanceOf(Producer.Ingested.class);
    }

    @Test
    void echoedKeyAndParameterColumnsAreNotOutputs() {
        FeatureGraph g = compile(BASE.replace(
                "SELECT email, age FROM users WHERE id = :id", "SELECT id, email, age FROM users WHERE id = :id"));
        assertThat(g.resolvers().get("profile").outputs())
                .extracting(ResolverNode.Output::column)
                .containsExactly("email", "age");
    }

    @Test
    void resolverChainsThroughOutputsExpressionsAndIngestedFeatures() {
        FeatureGraph g = compile(BASE.replace("      age: int\n", """
                      age: int
                      domain: {type: string, expression: "email.split('@')[1]"}
                      segment: {type: string, ingested: true}
                      domain_risk: float
                """) + """
                  - name: risk
                    source: db
                    sql: SELECT risk AS domain_risk FROM domains WHERE domain = :domain AND segment = :segment AND age < :age
                """);
        ResolverNode risk = g.resolvers().get("risk");
        assertThat(risk.entity()).isEqualTo("user");
        assertThat(risk.parameters()).containsExactly(id("user.domain"), id("user.segment"), id("user.age"));
        assertThat(risk.positionalSql()).endsWith("domain = $1 AND segment = $2 AND age < $3");
    }

    @Test
    void entityIsInferredFromColumnsAndParameters() {
        FeatureGraph g = compile(BASE.replace("resolvers:\n", """
                  account:
                    key: account_id
                    features: {account_id: string, balance: float}
                resolvers:
                  - name: balance
                    source: db
                    sql: SELECT balance FROM accounts WHERE id = :account_id
                """));
        assertThat(g.resolvers().get("balance").entity()).isEqualTo("account");
        assertThat(g.entity("account").orElseThrow().keyType()).isEqualTo(FeatureType.Scalar.STRING);
    }

    @Test
    void resolvesChoosesBetweenEntitiesWithTheSameNames() {
        FeatureGraph g = compile(BASE.replace("resolvers:\n", """
                  admin:
                    key: id
                    features: {id: int, email: string, age: int}
                resolvers:
                  - name: admin_profile
                    source: db
                    resolves: admin
                    sql: SELECT email, age FROM admins WHERE id = :id
                """)
                .replace(
                        "    source: db\n    sql: SELECT email, age FROM users",
                        "    source: db\n    resolves: user\n    sql: SELECT email, age FROM users"));
        assertThat(g.resolvers().get("admin_profile").entity()).isEqualTo("admin");
        assertThat(g.resolvers().get("profile").entity()).isEqualTo("user");
    }

    @Test
    void explicitOutputsMapColumns() {
        FeatureGraph g = compile(BASE.replace("    source: db\n", "    source: db\n    outputs: [age, email]\n"));
        assertThat(g.resolvers().get("profile").outputs())
                .extracting(ResolverNode.Output::column)
                .containsExactly("age", "email");
        ProjectProblem p =
                onlyProblem(BASE.replace("    source: db\n", "    source: db\n    outputs: [email, agee]\n"));
        assertThat(p.code()).isEqualTo("BAD_SQL");
        assertThat(p.message()).contains("'agee' is not in the SELECT list");
    }

    @Test
    void otherFilesContributeEntitiesResolversAndSources() {
        FeatureGraph g = compile(BASE, "model/orders.yaml", """
                sources:
                  orders_db: {kind: postgres, url: "${env:ORDERS_URL}"}
                entities:
                  order:
                    key: id
                    max_staleness: PT5M
                    features:
                      id: string
                      total: float
                      items: list<string>
                resolvers:
                  - name: order_by_id
                    source: orders_db
                    sql: SELECT total, items FROM orders WHERE id = :id
                """);
        assertThat(g.entities()).containsOnlyKeys("user", "order");
        assertThat(g.sources()).containsOnlyKeys("db", "orders_db");
        assertThat(g.feature(id("order.items")).orElseThrow().type())
                .isEqualTo(new FeatureType.ListOf(FeatureType.Scalar.STRING));
        assertThat(g.feature(id("order.total")).orElseThrow().maxStaleness()).contains(Duration.ofMinutes(5));
        assertThat(g.resolvers().get("order_by_id").source()).isEqualTo("orders_db");
    }

    @Test
    void projectMayOnlyBeNamedInSlateYaml() {
        ProjectProblem p = onlyProblem(BASE, "more.yml", "project: other\n");
        assertThat(p.code()).isEqualTo("UNKNOWN_FIELD");
        assertThat(p.location()).isEqualTo(new SourceLocation("more.yml", 1, 1));
    }

    @Test
    void sqlFileNameIsTheDefaultResolverName() {
        FeatureGraph g = compile(BASE.replace("SELECT email, age", "SELECT email"), "resolvers/user_age.sql", """
                -- source: db
                -- Reads the age.   (prose comments are fine)
                SELECT age FROM users WHERE id = :id
                """);
        ResolverNode r = g.resolvers().get("user_age");
        assertThat(r.entity()).isEqualTo("user");
        assertThat(r.sql()).isEqualTo("SELECT age FROM users WHERE id = :id\n");
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void sqlFileHeaderTyposAndMissingSource() {
        List<ProjectProblem> problems =
                problems(BASE, "x.sql", "-- resolve: user\n-- sorce: db\nSELECT age FROM users WHERE id = :id\n");
        assertThat(problems).extracting(ProjectProblem::code).contains("UNKNOWN_FIELD", "MISSING_FIELD");
        ProjectProblem typo = problems.stream()
                .filter(p -> p.code().equals("UNKNOWN_FIELD"))
                .findFirst()
                .orElseThrow();
        assertThat(typo.message()).contains("did you mean 'resolves'?");
        assertThat(typo.location()).isEqualTo(new SourceLocation("x.sql", 1, 4));
    }

    @Test
    void httpResolversCompileAndABrokenOneLeavesNoOrphans() {
        String project = BASE.replace("      age: int\n", "      age: int\n      credit_score: float\n") + """
                  - name: credit
                    kind: http
                    url: "http://scoring.internal/score/{{user.id}}"
                    outputs: {user.credit_score: "/score"}
                    timeout: 200ms
                """;
        assertThat(compile(project).resolvers().get("credit").http()).isPresent();
        ProjectProblem p = onlyProblem(project.replace("\"/score\"", "\"$.score\""));
        assertThat(p.code()).isEqualTo("INVALID_VALUE");
        assertThat(p.message()).contains("is not a JSON pointer");
    }

    @Test
    void errorInsideAMultiLineExpressionPointsAtItsLine() {
        ProjectProblem p = onlyProblem(BASE.replace("      age: int\n", """
                      age: int
                      score:
                        type: float
                        expression: |
                          (age > 18 ? 1.0 : 0.0)
                            + (emial == '' ? 0.5 : 0.0)
                """));
        assertThat(p.code()).isEqualTo("UNKNOWN_FEATURE");
        assertThat(p.location()).isEqualTo(new SourceLocation("slate.yaml", 15, 16));
    }

    @Test
    void windowsLineEndings() {
        FeatureGraph g = compile(BASE.replace("\n", "\r\n"));
        assertThat(g.features()).hasSize(3);
        ProjectProblem p = onlyProblem(
                BASE.replace("      age: int\n", "      age: integer\n").replace("\n", "\r\n"));
        assertThat(p.location()).isEqualTo(new SourceLocation("slate.yaml", 10, 12));
    }

    @Test
    void stringKeysAndUnboundedStaleness() {
        FeatureGraph g = compile(BASE.replace("      id: int\n", "      id: string\n"));
        assertThat(g.entity("user").orElseThrow().keyType()).isEqualTo(FeatureType.Scalar.STRING);
        assertThat(g.feature(id("user.email")).orElseThrow().maxStaleness()).isEmpty();
    }

    @Test
    void expressionsOverTheKeyAndDates() {
        FeatureGraph g =
                compile(BASE.replace("      age: int\n", """
                      age: int
                      born: date
                      even: {type: bool, expression: "id % 2 == 0"}
                      born_year: {type: int, expression: "born.getFullYear()"}
                """).replace("SELECT email, age", "SELECT email, age, born"));
        assertThat(((Producer.Computed) g.feature(id("user.even")).orElseThrow().producer()).dependencies())
                .containsExactly(id("user.id"));
    }

    @Test
    void emptyProjectFileIsAProblemNotACrash() {
        assertThat(problems("")).extracting(ProjectProblem::code).containsExactly("MISSING_FIELD");
        assertThat(problems("- a\n- b\n")).extracting(ProjectProblem::code).containsExactly("INVALID_VALUE");
        assertThat(problems("project: p\nentities: [user]\nresolvers: {a: 1}\n"))
                .extracting(ProjectProblem::code)
                .containsExactly("INVALID_VALUE", "INVALID_VALUE");
    }

    @Test
    void aProjectWithOnlyIngestedFeaturesNeedsNoSources() {
        FeatureGraph g = compile("""
                project: events
                entities:
                  device:
                    key: serial
                    features:
                      serial: string
                      battery: {type: float, ingested: true}
                """);
        assertThat(g.sources()).isEmpty();
        assertThat(g.resolvers()).isEmpty();
    }
}
