package dev.slate.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SourceSpec;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FraudExampleTest {
    private static FeatureGraph graph;

    @BeforeAll
    static void compile() throws Exception {
        graph = ProjectCompiler.compile(ExampleProjects.fraud());
    }

    private static FeatureNode feature(String qualified) {
        return graph.feature(FeatureId.parse(qualified).orElseThrow())
                .orElseThrow(() -> new AssertionError("no " + qualified));
    }

    private static FeatureId id(String qualified) {
        return FeatureId.parse(qualified).orElseThrow();
    }

    @Test
    void projectEntitiesAndSources() {
        assertThat(graph.project()).isEqualTo("fraud");
        assertThat(graph.entities()).containsOnlyKeys("user", "transaction");
        assertThat(graph.entity("user").orElseThrow().key()).isEqualTo(id("user.id"));
        assertThat(graph.entity("user").orElseThrow().keyType()).isEqualTo(FeatureType.Scalar.INT);
        assertThat(graph.entity("user").orElseThrow().maxStaleness()).contains(Duration.ofMinutes(10));
        assertThat(graph.entity("transaction").orElseThrow().maxStaleness()).isEmpty();
        SourceSpec.Postgres appdb = (SourceSpec.Postgres) graph.sources().get("appdb");
        assertThat(appdb.url()).isEqualTo("${secret:fraud_db_url}");
        assertThat(appdb.username()).contains("${secret:fraud_db_user}");
        assertThat(appdb.password()).isEmpty();
        assertThat(appdb.maxConnections()).isEqualTo(8);
    }

    @Test
    void featuresInDeclarationOrder() {
        assertThat(graph.features().keySet())
                .extracting(FeatureId::qualified)
                .containsExactly(
                        "user.id",
                        "user.email",
                        "user.name",
                        "user.age",
                        "user.signup_date",
                        "user.country",
                        "user.credit_limit",
                        "user.is_verified",
                        "user.created_at",
                        "user.email_domain",
                        "user.name_upper",
                        "user.is_adult",
                        "user.account_age_days",
                        "user.risk_score",
                        "user.txn_count[1h]",
                        "user.txn_count[1d]",
                        "user.txn_count[7d]",
                        "user.spend[1d]",
                        "user.spend[30d]",
                        "transaction.id",
                        "transaction.user_id",
                        "transaction.amount",
                        "transaction.merchant",
                        "transaction.ts",
                        "transaction.is_large",
                        "transaction.unverified_large");
    }

    @Test
    void theExampleShowsBothOnlineModesOfAnAggregation() {
        // docs/specs/aggregations.md: spend is kept in epoch-aligned 1h buckets, txn_count is pushed down
        assertThat(graph.aggregations().get(id("user.spend")).bucket()).contains(Duration.ofHours(1));
        assertThat(graph.aggregations().get(id("user.txn_count")).bucket()).isEmpty();
        assertThat(graph.aggregations().get(id("user.spend")).windows())
                .allSatisfy(w -> assertThat(w.toMillis() % Duration.ofHours(1).toMillis())
                        .isZero());
    }

    @Test
    void producers() {
        assertThat(feature("user.id").producer()).isInstanceOf(Producer.EntityKey.class);
        assertThat(feature("user.email").producer()).isEqualTo(new Producer.Resolved("user_profile"));
        assertThat(feature("user.credit_limit").producer()).isEqualTo(new Producer.Resolved("user_credit"));
        assertThat(feature("transaction.amount").producer()).isEqualTo(new Producer.Resolved("transaction_by_id"));
        assertThat(feature("user.email_domain").producer()).isInstanceOf(Producer.Computed.class);
        assertThat(feature("transaction.is_large").producer()).isInstanceOf(Producer.Computed.class);
    }

    @Test
    void expressionDependenciesAreWhatTheyRead() {
        assertThat(((Producer.Computed) feature("user.email_domain").producer()).dependencies())
                .containsExactly(id("user.email"));
        assertThat(((Producer.Computed) feature("user.account_age_days").producer()).dependencies())
                .containsExactly(id("user.created_at"));
        assertThat(((Producer.Computed) feature("user.risk_score").producer()).dependencies())
                .containsExactly(
                        id("user.age"), id("user.credit_limit"), id("user.is_verified"), id("user.account_age_days"));
    }

    @Test
    void resolvers() {
        assertThat(graph.resolvers())
                .containsOnlyKeys("user_profile", "transactions_of_user", "user_credit", "transaction_by_id");
        assertThat(graph.resolvers().get("transactions_of_user").many()).isTrue();
        ResolverNode profile = graph.resolvers().get("user_profile");
        assertThat(profile.entity()).isEqualTo("user");
        assertThat(profile.parameters()).containsExactly(id("user.id"));
        assertThat(profile.positionalSql()).contains("WHERE id = $1").doesNotContain(":id");
        assertThat(profile.outputs())
                .extracting(ResolverNode.Output::column)
                .containsExactly("email", "name", "age", "signup_date", "country", "is_verified", "created_at");
        assertThat(profile.timeout()).isEqualTo(Duration.ofSeconds(1));

        ResolverNode credit = graph.resolvers().get("user_credit");
        assertThat(credit.parameters()).containsExactly(id("user.country"));
        assertThat(credit.outputs()).containsExactly(new ResolverNode.Output("credit_limit", id("user.credit_limit")));
        assertThat(credit.timeout()).isEqualTo(Duration.ofMillis(500));

        ResolverNode txn = graph.resolvers().get("transaction_by_id");
        assertThat(txn.entity()).isEqualTo("transaction");
        assertThat(txn.location()).isEqualTo(new SourceLocation("transactions.sql", 1, 1));
        assertThat(txn.sql()).startsWith("SELECT t.id").doesNotContain("-- source");
        assertThat(txn.outputs())
                .extracting(ResolverNode.Output::column)
                .containsExactly("user_id", "amount", "merchant", "ts");
    }

    @Test
    void staleness() {
        assertThat(feature("user.email").maxStaleness()).contains(Duration.ofMinutes(10));
        assertThat(feature("user.credit_limit").maxStaleness()).contains(Duration.ofHours(1));
        assertThat(feature("user.is_verified").maxStaleness()).contains(Duration.ZERO);
        assertThat(feature("user.is_verified").cacheable()).isFalse();
        assertThat(feature("transaction.amount").maxStaleness()).isEmpty();
        assertThat(feature("transaction.amount").cacheable()).isTrue();
        assertThat(feature("user.id").cacheable()).isFalse();
    }

    @Test
    void tagsAndTypes() {
        assertThat(feature("user.risk_score").tags()).containsExactly("risk");
        assertThat(feature("user.signup_date").type()).isEqualTo(FeatureType.Scalar.DATE);
        assertThat(feature("user.created_at").type()).isEqualTo(FeatureType.Scalar.DATETIME);
    }

    @Test
    void versionsAreShortStableAndDistinct() throws Exception {
        FeatureGraph again = ProjectCompiler.compile(ExampleProjects.fraud());
        for (FeatureNode f : graph.features().values()) {
            assertThat(f.version()).matches("[0-9a-f]{12}");
            assertThat(again.features().get(f.id()).version()).isEqualTo(f.version());
        }
        assertThat(graph.features().values().stream()
                        .map(FeatureNode::version)
                        .distinct()
                        .count())
                .as("versions differ between features of different definitions")
                .isGreaterThan(15);
    }

    @Test
    void expressionsEvaluate() throws Exception {
        Map<FeatureId, Object> v = new HashMap<>();
        v.put(id("user.email"), "ada@example.com");
        v.put(id("user.name"), "Ada Lovelace");
        v.put(id("user.age"), 19L);
        v.put(id("user.is_verified"), false);
        v.put(id("user.credit_limit"), 6000.0);
        v.put(id("user.created_at"), Instant.parse("2025-12-20T00:00:00Z"));
        v.put(id("user.signup_date"), LocalDate.of(2025, 12, 20));
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(evaluate("user.email_domain", v, now)).isEqualTo("example.com");
        assertThat(evaluate("user.name_upper", v, now)).isEqualTo("ADA LOVELACE");
        assertThat(evaluate("user.is_adult", v, now)).isEqualTo(true);
        assertThat(evaluate("user.account_age_days", v, now)).isEqualTo(12L);
        v.put(id("user.account_age_days"), 12L);
        assertThat((Double) evaluate("user.risk_score", v, now)).isCloseTo(1.0, Offset.offset(1e-9));
        v.put(id("transaction.amount"), 1000.5);
        assertThat(evaluate("transaction.is_large", v, now)).isEqualTo(true);
    }

    private static Object evaluate(String feature, Map<FeatureId, Object> values, Instant now) throws Exception {
        return ((Producer.Computed) feature(feature).producer()).expression().evaluate(values::get, now);
    }

    @Test
    void contentHashIsOverTheFiles() {
        assertThat(graph.contentHash())
                .isEqualTo(ProjectCompiler.contentHash(ExampleProjects.fraud()))
                .matches("[0-9a-f]{64}");
    }

    @Test
    void locationsPointAtDeclarations() {
        assertThat(feature("user.email").location()).isEqualTo(new SourceLocation("slate.yaml", 21, 7));
        assertThat(graph.resolvers().get("user_profile").location().file()).isEqualTo("slate.yaml");
        assertThat(Optional.of(graph.entity("user").orElseThrow().location().line()))
                .contains(16);
    }

    @Test
    void seedSqlShipsWithTheExample() {
        assertThat(ExampleProjects.fraudSeedSql())
                .contains("CREATE TABLE IF NOT EXISTS users")
                .contains("generate_series(1, 10000)");
    }
}
