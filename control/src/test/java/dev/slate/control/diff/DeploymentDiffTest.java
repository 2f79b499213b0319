package dev.slate.control.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.control.deploy.CompiledProjects;
import dev.slate.control.diff.DeploymentDiff.Change;
import dev.slate.control.diff.DeploymentDiff.Kind;
import dev.slate.serving.model.ProjectValidationException;
import dev.slate.serving.model.graph.FeatureGraph;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class DeploymentDiffTest {
    private static final String V1 = """
            project: shop
            sources:
              appdb: {kind: postgres, url: "postgresql://127.0.0.1:5432/app"}
            entities:
              user:
                key: id
                features:
                  id: int
                  email: string
                  age: int
                  domain: {type: string, expression: "email.split('@')[1]"}
                  score: {type: float, ingested: true}
            resolvers:
              - name: profile
                source: appdb
                sql: "SELECT id, email, age FROM users WHERE id = :id"
            """;
    private static final String V2 = """
            project: shop
            sources:
              appdb: {kind: postgres, url: "postgresql://127.0.0.1:5432/app"}
            entities:
              user:
                key: id
                features:
                  id: int
                  email: string
                  age: int
                  domain: {type: string, expression: "email.split('@')[0]"}
                  adult: {type: bool, expression: "age >= 18"}
                  score: {type: float, ingested: true, max_staleness: 10m}
            resolvers:
              - name: profile
                source: appdb
                sql: "SELECT id, email, age FROM customers WHERE id = :id"
            """;

    private static FeatureGraph compile(String yaml) {
        try {
            return new CompiledProjects().compile(Map.of("slate.yaml", yaml));
        } catch (ProjectValidationException e) {
            throw new AssertionError(e.problems().toString(), e);
        }
    }

    @Test
    void listsAddedRemovedAndChangedFeaturesAndResolvers() {
        DeploymentDiff diff = DeploymentDiff.between(compile(V1), compile(V2));

        assertThat(diff.features())
                .extracting(Change::name, Change::kind)
                .containsExactly(
                        Tuple.tuple("user.adult", Kind.ADDED),
                        Tuple.tuple("user.age", Kind.CHANGED),
                        Tuple.tuple("user.domain", Kind.CHANGED),
                        Tuple.tuple("user.email", Kind.CHANGED),
                        Tuple.tuple("user.score", Kind.CHANGED));
        Change domain = diff.features().get(2);
        assertThat(domain.details())
                .anySatisfy(d -> assertThat(d)
                        .contains("computed by: expression email.split('@')[1] -> expression email.split('@')[0]"))
                .anySatisfy(d -> assertThat(d).startsWith("version: "));
        assertThat(diff.features().get(4).details())
                .anySatisfy(d -> assertThat(d).startsWith("max_staleness: unbounded -> PT10M"));
        // the resolver's SQL is part of how age and email are computed: their versions change with it
        assertThat(diff.features().get(1).details())
                .singleElement()
                .satisfies(d -> assertThat(d).startsWith("version: "));
        assertThat(diff.resolvers()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("profile");
            assertThat(r.kind()).isEqualTo(Kind.CHANGED);
            assertThat(r.details())
                    .containsExactly(
                            "sql: SELECT id, email, age FROM users WHERE id = :id -> SELECT id, email, age FROM customers WHERE id = :id");
        });

        DeploymentDiff back = DeploymentDiff.between(compile(V2), compile(V1));
        assertThat(back.features())
                .extracting(Change::name, Change::kind)
                .contains(Tuple.tuple("user.adult", Kind.REMOVED));
    }

    @Test
    void theSameProjectHasNoDifferences() {
        assertThat(DeploymentDiff.between(compile(V1), compile(V1)).isEmpty()).isTrue();
    }
}
