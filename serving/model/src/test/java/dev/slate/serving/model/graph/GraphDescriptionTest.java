package dev.slate.serving.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.ExampleProjects;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.ProjectCompiler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GraphDescriptionTest {
    private static FeatureGraph graph;

    @BeforeAll
    static void compile() throws Exception {
        graph = ProjectCompiler.compile(ExampleProjects.fraud());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @Test
    void graphHasFeatureAndResolverNodesAndEdges() {
        Map<String, Object> g = GraphDescription.graph(graph);
        assertThat(g).containsEntry("project", "fraud").containsEntry("content_hash", graph.contentHash());
        List<Map<String, Object>> nodes = list(g.get("nodes"));
        assertThat(nodes)
                .hasSize(graph.features().size()
                        + graph.resolvers().size()
                        + graph.relations().size());
        Map<String, Object> credit = nodes.stream()
                .filter(n -> n.get("id").equals("resolver:user_credit"))
                .findFirst()
                .orElseThrow();
        assertThat(credit)
                .containsEntry("kind", "resolver")
                .containsEntry("source", "appdb")
                .containsEntry("inputs", List.of("user.country"))
                .containsEntry("outputs", List.of("user.credit_limit"))
                .containsEntry("timeout", "500ms");
        Map<String, Object> domain = nodes.stream()
                .filter(n -> n.get("id").equals("feature:user.email_domain"))
                .findFirst()
                .orElseThrow();
        assertThat(domain)
                .containsEntry("producer", "expression")
                .containsEntry("type", "string")
                .containsEntry("max_staleness", "10m")
                .containsEntry("inputs", List.of("user.email"));
        List<Map<String, Object>> edges = list(g.get("edges"));
        assertThat(edges)
                .contains(
                        Map.of("from", "feature:user.country", "to", "resolver:user_credit"),
                        Map.of("from", "resolver:user_credit", "to", "feature:user.credit_limit"),
                        Map.of("from", "feature:user.email", "to", "feature:user.email_domain"));
        assertThat(list(g.get("entities"))).extracting(e -> e.get("name")).containsExactly("user", "transaction");
        assertThat(list(g.get("entities")).get(0))
                .containsEntry("key", "user.id")
                .containsEntry("key_type", "int");
    }

    @Test
    void catalogListsEveryFeature() {
        List<Map<String, Object>> catalog = GraphDescription.catalog(graph);
        assertThat(catalog).hasSize(graph.features().size());
        assertThat(catalog.get(0))
                .containsEntry("name", "user.id")
                .containsEntry("producer", "key")
                .containsEntry("cacheable", false);
        Map<String, Object> amount = catalog.stream()
                .filter(f -> f.get("name").equals("transaction.amount"))
                .findFirst()
                .orElseThrow();
        assertThat(amount)
                .containsEntry("producer", "resolver")
                .containsEntry("resolver", "transaction_by_id")
                .containsEntry("type", "float")
                .containsEntry("max_staleness", null)
                .containsEntry(
                        "version",
                        graph.features()
                                .get(FeatureId.parse("transaction.amount").orElseThrow())
                                .version());
        Map<String, Object> risk = catalog.stream()
                .filter(f -> f.get("name").equals("user.risk_score"))
                .findFirst()
                .orElseThrow();
        assertThat(risk).containsEntry("tags", List.of("risk")).containsEntry("max_staleness", "0s");
    }

    @Test
    void noSecretsOrUrlsInTheDescription() {
        assertThat(GraphDescription.graph(graph).toString())
                .doesNotContain("postgresql://")
                .doesNotContain("password");
    }
}
