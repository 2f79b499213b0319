package dev.slate.serving.model.relation;

import static dev.slate.serving.model.TestProjects.compile;
import static dev.slate.serving.model.TestProjects.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.ProjectProblem;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.TestProjects;
import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.GraphDescription;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.RelationNode;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Relationships and windowed aggregations in the project format: binding, paths, and what deploy refuses. */
class RelationsTest {

    /** Line numbers matter to tests. */
    static final String PROJECT = """
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
                  transactions: {has_many: transaction, foreign_key: user_id, limit: 50}
                  txn_count: {aggregate: count, over: transactions, windows: [1h, 1d]}
                  spend: {aggregate: sum, of: amount, over: transactions, windows: [1d, 30d], where: "amount > 0.0", materialize: {bucket: 1h}}
              transaction:
                key: id
                time: ts
                features:
                  id: int
                  user_id: int
                  amount: float
                  merchant: string
                  ts: datetime
                  user: {has_one: user, foreign_key: user_id, required: true}
                  buyer_is_adult: {type: bool, expression: "user.age >= 18"}
            resolvers:
              - name: profile
                source: db
                sql: SELECT email, age FROM users WHERE id = :id
              - name: txn
                source: db
                sql: SELECT user_id, amount, merchant, ts FROM transactions WHERE id = :id
              - name: txns_of_user
                source: db
                resolves: transaction
                many: true
                sql: SELECT id, user_id, amount, merchant, ts FROM transactions WHERE user_id = :user_id
            """;

    @Test
    void relationsBindByForeignKey() {
        FeatureGraph g = compile(PROJECT);
        RelationNode user = g.relations().get(new FeatureId("transaction", "user"));
        assertThat(user.hasMany()).isFalse();
        assertThat(user.holders()).containsExactly(new FeatureId("transaction", "user_id"));
        assertThat(user.referenced()).containsExactly(new FeatureId("user", "id"));
        assertThat(user.required()).isTrue();
        RelationNode txns = g.relations().get(new FeatureId("user", "transactions"));
        assertThat(txns.hasMany()).isTrue();
        assertThat(txns.holders()).containsExactly(new FeatureId("transaction", "user_id"));
        assertThat(txns.referenced()).containsExactly(new FeatureId("user", "id"));
        assertThat(txns.limit()).isEqualTo(50);
        assertThat(txns.rowsResolver()).contains("txns_of_user");
        // the many: true resolver claims no feature: txn still produces transaction.amount alone
        assertThat(g.features().get(new FeatureId("transaction", "amount")).producer())
                .isEqualTo(new Producer.Resolved("txn"));
    }

    @Test
    void aFeatureOfARelatedEntityIsAPathFeature() throws Exception {
        FeatureGraph g = compile(PROJECT);
        FeatureId path = new FeatureId("transaction", "user.age");
        FeatureNode node = g.feature(path).orElseThrow();
        assertThat(node.type()).isEqualTo(FeatureType.Scalar.INT);
        assertThat(node.producer()).isInstanceOf(Producer.Related.class);
        assertThat(((Producer.Related) node.producer()).target()).isEqualTo(new FeatureId("user", "age"));
        assertThat(node.cacheable()).isFalse();
        assertThat(g.feature(new FeatureId("transaction", "user.nope"))).isEmpty();
        assertThat(g.feature(new FeatureId("user", "transactions.amount")))
                .as("has_many is no path")
                .isEmpty();
        assertThat(g.features()).doesNotContainKey(path); // made on demand, not listed in the catalog

        Producer.Computed adult = (Producer.Computed)
                g.features().get(new FeatureId("transaction", "buyer_is_adult")).producer();
        assertThat(adult.dependencies()).containsExactly(path);
        assertThat(adult.expression().evaluate(id -> id.equals(path) ? 20L : null, Instant.EPOCH))
                .isEqualTo(true);
        assertThat(adult.expression().evaluate(id -> id.equals(path) ? 17L : null, Instant.EPOCH))
                .isEqualTo(false);
    }

    @Test
    void eachWindowIsAFeature() {
        FeatureGraph g = compile(PROJECT);
        AggregationNode spend = g.aggregations().get(new FeatureId("user", "spend"));
        assertThat(spend.function()).isEqualTo(AggregateFunction.SUM);
        assertThat(spend.of()).contains(new FeatureId("transaction", "amount"));
        assertThat(spend.time()).isEqualTo(new FeatureId("transaction", "ts"));
        assertThat(spend.bucket()).contains(Duration.ofHours(1));
        assertThat(spend.where()).isPresent();
        assertThat(g.features())
                .containsKeys(
                        new FeatureId("user", "txn_count[1h]"),
                        new FeatureId("user", "txn_count[1d]"),
                        new FeatureId("user", "spend[1d]"),
                        new FeatureId("user", "spend[30d]"));
        assertThat(g.features()).doesNotContainKey(new FeatureId("user", "spend"));
        assertThat(g.features().get(new FeatureId("user", "txn_count[1h]")).type())
                .isEqualTo(FeatureType.Scalar.INT);
        assertThat(g.features().get(new FeatureId("user", "spend[30d]")).type()).isEqualTo(FeatureType.Scalar.FLOAT);
        assertThat(g.features().get(new FeatureId("user", "spend[30d]")).cacheable())
                .as("moves with the query time")
                .isFalse();
        assertThat(g.features().get(new FeatureId("user", "spend[1d]")).version())
                .isNotEqualTo(
                        g.features().get(new FeatureId("user", "spend[30d]")).version());
    }

    @Test
    void graphAndCatalogShowRelationsAndAggregations() {
        FeatureGraph g = compile(PROJECT);
        Map<String, Object> graph = GraphDescription.graph(g);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> relations = (List<Map<String, Object>>) graph.get("relations");
        assertThat(relations).extracting(r -> r.get("name")).containsExactly("user.transactions", "transaction.user");
        assertThat(relations.get(0))
                .containsEntry("kind", "has_many")
                .containsEntry("from", "user")
                .containsEntry("to", "transaction")
                .containsEntry("limit", 50)
                .containsEntry("rows_resolver", "txns_of_user");
        assertThat(relations.get(1))
                .containsEntry("kind", "has_one")
                .containsEntry("from", "transaction")
                .containsEntry("to", "user")
                .containsEntry("limit", null)
                .containsEntry("rows_resolver", null);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) graph.get("nodes");
        assertThat(nodes).extracting(n -> n.get("id")).contains("relation:transaction.user", "feature:user.spend[30d]");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> edges = (List<Map<String, Object>>) graph.get("edges");
        assertThat(edges)
                .contains(
                        Map.of("from", "relation:user.transactions", "to", "feature:user.txn_count[1h]"),
                        Map.of("from", "relation:transaction.user", "to", "feature:transaction.buyer_is_adult"),
                        Map.of("from", "feature:transaction.user_id", "to", "relation:transaction.user"));
        Map<String, Object> spend = GraphDescription.catalog(g).stream()
                .filter(f -> f.get("name").equals("user.spend[30d]"))
                .findFirst()
                .orElseThrow();
        assertThat(spend)
                .containsEntry("producer", "aggregation")
                .containsEntry("function", "sum")
                .containsEntry("window", "30d")
                .containsEntry("windows", List.of("1d", "30d"))
                .containsEntry("mode", "materialized")
                .containsEntry("bucket", "1h")
                .containsEntry("where", "amount > 0.0")
                .containsEntry("of", "transaction.amount");
    }

    @Test
    void compositeForeignKey() {
        FeatureGraph g = compile(PROJECT.replace(
                "      user: {has_one: user, foreign_key: user_id, required: true}",
                "      user: {has_one: user, foreign_key: {user_id: id, merchant: email}}"));
        RelationNode user = g.relations().get(new FeatureId("transaction", "user"));
        assertThat(user.holders())
                .containsExactly(new FeatureId("transaction", "user_id"), new FeatureId("transaction", "merchant"));
        assertThat(user.referenced()).containsExactly(new FeatureId("user", "id"), new FeatureId("user", "email"));
    }

    // ---- refused at deploy, with file and line ----

    @Test
    void unknownRelatedEntity() {
        ProjectProblem p = onlyProblem(PROJECT.replace("{has_one: user,", "{has_one: usr,"));
        assertAt(p, "UNKNOWN_ENTITY", 23);
        assertThat(p.message()).contains("usr").contains("did you mean 'user'?");
    }

    @Test
    void unknownForeignKeyFeature() {
        ProjectProblem p = onlyProblem(PROJECT.replace(
                "{has_many: transaction, foreign_key: user_id,", "{has_many: transaction, foreign_key: userid,"));
        assertAt(p, "UNKNOWN_FEATURE", 11);
        assertThat(p.message()).contains("userid").contains("transaction");
    }

    @Test
    void foreignKeyOfAnotherType() {
        ProjectProblem p =
                onlyProblem(PROJECT.replace("foreign_key: user_id, required: true}", "foreign_key: {merchant: id}}"));
        assertAt(p, "INVALID_VALUE", 23);
        assertThat(p.message()).contains("transaction.merchant is string but user.id is int");
    }

    @Test
    void unknownRelationOfAnAggregation() {
        ProjectProblem p = onlyProblem(
                PROJECT.replace("over: transactions, windows: [1h, 1d]", "over: transaction, windows: [1h, 1d]"));
        assertAt(p, "UNKNOWN_FEATURE", 12);
        assertThat(p.message()).contains("did you mean 'transactions'?");
    }

    @Test
    void relationshipCycle() {
        List<ProjectProblem> problems = TestProjects.problems(PROJECT.replace("      age: int\n", """
                              age: int
                              last_txn_id: {type: int, ingested: true}
                              last_txn: {has_one: transaction, foreign_key: last_txn_id}
                              big_spender: {type: bool, expression: "last_txn.is_big"}
                        """)
                .replace(
                        "      buyer_is_adult:",
                        "      is_big: {type: bool, expression: \"user.big_spender\"}\n      buyer_is_adult:"));
        assertThat(problems).extracting(ProjectProblem::code).containsExactly("CYCLE");
        assertThat(problems.getFirst().message())
                .contains("relationship cycle")
                .contains("user.big_spender")
                .contains("user.last_txn.is_big")
                .contains("transaction.user.big_spender");
        assertThat(problems.getFirst().location().file()).isEqualTo("slate.yaml");
        assertThat(problems.getFirst().location().line()).isPositive();
    }

    @Test
    void nonNumericInputOfANumericAggregation() {
        ProjectProblem p =
                onlyProblem(PROJECT.replace("{aggregate: sum, of: amount,", "{aggregate: sum, of: merchant,"));
        assertAt(p, "INVALID_VALUE", 13);
        assertThat(p.message()).contains("sum needs a number").contains("transaction.merchant is string");
    }

    @Test
    void whereThatReadsTheParent() {
        ProjectProblem p = onlyProblem(PROJECT.replace("where: \"amount > 0.0\"", "where: \"age > 18\""));
        assertAt(p, "UNKNOWN_FEATURE", 13);
        assertThat(p.message()).contains("reads user.age of the parent entity");
    }

    @Test
    void bucketThatDoesNotDivideAWindow() {
        ProjectProblem p = onlyProblem(PROJECT.replace("{bucket: 1h}", "{bucket: 7h}"));
        assertAt(p, "INVALID_VALUE", 13);
        assertThat(p.message()).contains("bucket 7h does not divide window 1d, 30d");
    }

    @Test
    void aggregationNeedsAnEventTime() {
        List<ProjectProblem> problems = TestProjects.problems(PROJECT.replace("    time: ts\n", ""));
        assertThat(problems)
                .extracting(ProjectProblem::code)
                .containsExactly("MISSING_FIELD", "MISSING_FIELD"); // txn_count and spend
        assertThat(problems.getFirst().message()).contains("names no event time");
    }

    @Test
    void unknownFeatureThroughARelation() {
        ProjectProblem p = onlyProblem(PROJECT.replace("\"user.age >= 18\"", "\"user.agee >= 18\""));
        assertThat(p.code()).isEqualTo("UNKNOWN_FEATURE");
        assertThat(p.message()).contains("user.agee");
        assertThat(p.location().line()).isEqualTo(24);
    }

    private static void assertAt(ProjectProblem p, String code, int line) {
        assertThat(p.code()).as(p.toString()).isEqualTo(code);
        assertThat(p.location())
                .extracting(SourceLocation::file, SourceLocation::line)
                .containsExactly("slate.yaml", line);
    }
}
