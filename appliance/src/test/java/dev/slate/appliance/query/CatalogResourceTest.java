package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/features} and {@code GET /v1/graph} of the fraud example deployed through the API. */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class CatalogResourceTest {
    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("catalog", FraudProjects::fraud);

    @Test
    void featuresListsTheCatalogOfTheActiveDeployment() {
        JsonPath json = given().header(QueryEnvironment.HEADER, ENV.name())
                .get("/v1/features")
                .then()
                .statusCode(200)
                .contentType(startsWith("application/json"))
                .body("environment", equalTo(ENV.name()))
                .body("deployment_id", equalTo(ENV.deploymentId()))
                .body("deployment_version", equalTo(1))
                .body("project", equalTo("fraud"))
                .extract()
                .jsonPath();

        List<String> names = json.getList("features.name");
        assertThat(names)
                .hasSize(26)
                .startsWith("user.id", "user.email")
                .contains("user.txn_count[1h]", "user.spend[30d]", "transaction.unverified_large")
                .contains("user.credit_limit", "user.risk_score", "transaction.is_large")
                .doesNotHaveDuplicates();
        assertThat(json.getString("content_hash")).matches("[0-9a-f]{64}");

        Map<String, Object> key = feature(json, "user.id");
        assertThat(key)
                .containsEntry("entity", "user")
                .containsEntry("type", "int")
                .containsEntry("producer", "key")
                .containsEntry("cacheable", false);
        Map<String, Object> credit = feature(json, "user.credit_limit");
        assertThat(credit)
                .containsEntry("producer", "resolver")
                .containsEntry("resolver", "user_credit")
                .containsEntry("type", "float")
                .containsEntry("max_staleness", "1h")
                .containsEntry("cacheable", true);
        Map<String, Object> domain = feature(json, "user.email_domain");
        assertThat(domain)
                .containsEntry("producer", "expression")
                .containsEntry("expression", "email.split('@')[1]")
                .containsEntry("inputs", List.of("user.email"))
                .containsEntry("max_staleness", "10m");
        Map<String, Object> risk = feature(json, "user.risk_score");
        assertThat(risk)
                .containsEntry("tags", List.of("risk"))
                .containsEntry("max_staleness", "0s")
                .containsEntry("cacheable", false);
        Map<String, Object> amount = feature(json, "transaction.amount");
        assertThat(amount).containsEntry("max_staleness", null).containsEntry("cacheable", true);
        assertThat((String) amount.get("version")).isNotBlank();
        Map<String, Object> spend = feature(json, "user.spend[30d]");
        assertThat(spend)
                .containsEntry("producer", "aggregation")
                .containsEntry("function", "sum")
                .containsEntry("over", "user.transactions")
                .containsEntry("of", "transaction.amount")
                .containsEntry("window", "30d")
                .containsEntry("windows", List.of("1d", "30d"))
                .containsEntry("mode", "materialized")
                .containsEntry("bucket", "1h")
                .containsEntry("type", "float");
        assertThat(feature(json, "user.txn_count[1h]"))
                .containsEntry("mode", "pushdown")
                .containsEntry("type", "int");
    }

    @Test
    void graphDescribesNodesAndEdgesWithoutSecrets() {
        String body = given().header(QueryEnvironment.HEADER, ENV.name())
                .get("/v1/graph")
                .then()
                .statusCode(200)
                .body("environment", equalTo(ENV.name()))
                .body("deployment_id", equalTo(ENV.deploymentId()))
                .body("project", equalTo("fraud"))
                .extract()
                .asString();
        JsonPath json = JsonPath.from(body);

        assertThat(json.getList("entities.name")).containsExactly("user", "transaction");
        assertThat(json.getString("entities[0].key")).isEqualTo("user.id");
        List<Map<String, Object>> relations = json.getList("relations");
        assertThat(relations).extracting(r -> r.get("name")).containsExactly("user.transactions", "transaction.user");
        Map<String, Object> transactions = relations.get(0);
        assertThat(transactions)
                .containsEntry("from", "user")
                .containsEntry("to", "transaction")
                .containsEntry("kind", "has_many")
                .containsEntry("limit", 100)
                .containsEntry("required", false)
                .containsEntry("rows_resolver", "transactions_of_user")
                .containsEntry(
                        "foreign_key", List.of(Map.of("holder", "transaction.user_id", "referenced", "user.id")));
        assertThat(relations.get(1))
                .containsEntry("from", "transaction")
                .containsEntry("to", "user")
                .containsEntry("kind", "has_one")
                .containsEntry("limit", null)
                .containsEntry("rows_resolver", null);
        List<Map<String, Object>> nodes = json.getList("nodes");
        assertThat(nodes).hasSize(26 + 4 + 2); // features, resolvers, relations
        Map<String, Object> user = nodes.stream()
                .filter(n -> "relation:transaction.user".equals(n.get("id")))
                .findFirst()
                .orElseThrow();
        assertThat(user)
                .containsEntry("kind", "relation")
                .containsEntry("target", "user")
                .containsEntry(
                        "foreign_key", List.of(Map.of("holder", "transaction.user_id", "referenced", "user.id")));
        Map<String, Object> credit = nodes.stream()
                .filter(n -> "resolver:user_credit".equals(n.get("id")))
                .findFirst()
                .orElseThrow();
        assertThat(credit)
                .containsEntry("kind", "resolver")
                .containsEntry("source", "appdb")
                .containsEntry("timeout", "500ms")
                .containsEntry("inputs", List.of("user.country"))
                .containsEntry("outputs", List.of("user.credit_limit"));
        assertThat((String) credit.get("sql")).contains(":country");
        List<Map<String, Object>> edges = json.getList("edges");
        assertThat(edges)
                .contains(
                        Map.of("from", "resolver:user_profile", "to", "feature:user.country"),
                        Map.of("from", "feature:user.country", "to", "resolver:user_credit"),
                        Map.of("from", "resolver:user_credit", "to", "feature:user.credit_limit"),
                        Map.of("from", "feature:user.credit_limit", "to", "feature:user.risk_score"),
                        Map.of("from", "feature:user.id", "to", "resolver:user_profile"));
        // every edge joins two nodes that exist
        List<Object> ids =
                nodes.stream().map(n -> n.get("id")).map(Object.class::cast).toList();
        assertThat(edges).allSatisfy(e -> assertThat(ids).contains(e.get("from"), e.get("to")));
        assertThat(body)
                .doesNotContain("secret:")
                .doesNotContain("fraud_db_url")
                .doesNotContain("postgresql://");
    }

    @Test
    void theCatalogFollowsTheActiveDeployment() {
        QueryEnvironment other = QueryEnvironment.of("catalog-swap");
        try {
            other.deployOnce(Map.of("slate.yaml", """
                    project: tiny
                    entities:
                      user:
                        key: id
                        features:
                          id: int
                          doubled: {type: int, expression: "id * 2"}
                    """));
            given().header(QueryEnvironment.HEADER, other.name())
                    .get("/v1/features")
                    .then()
                    .statusCode(200)
                    .body("project", equalTo("tiny"))
                    .body("features.name", equalTo(List.of("user.id", "user.doubled")));
            String second = other.deploy(FraudProjects.fraud());
            given().header(QueryEnvironment.HEADER, other.name())
                    .get("/v1/graph")
                    .then()
                    .statusCode(200)
                    .body("project", equalTo("fraud"))
                    .body("deployment_id", equalTo(second))
                    .body("deployment_version", equalTo(2));
        } finally {
            try {
                other.clean();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void anEnvironmentWithoutActiveDeploymentIsAProblem() {
        for (String path : List.of("/v1/features", "/v1/graph")) {
            given().header(QueryEnvironment.HEADER, "t-q-never-deployed")
                    .get(path)
                    .then()
                    .statusCode(404)
                    .contentType(QueryEnvironment.PROBLEM)
                    .body("code", equalTo("NO_ACTIVE_DEPLOYMENT"))
                    .body(
                            "detail",
                            equalTo(
                                    "environment 't-q-never-deployed' has no active deployment; deploy a project first (POST /v1/deployments)"));
            given().header(QueryEnvironment.HEADER, "Not An Env")
                    .get(path)
                    .then()
                    .statusCode(400)
                    .contentType(QueryEnvironment.PROBLEM)
                    .body("code", equalTo("INVALID_QUERY"));
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheCatalog() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body(
                        "paths.'/v1/features'.get.responses.'200'.content.'application/json'.schema.'$ref'",
                        equalTo("#/components/schemas/FeatureCatalog"))
                .body("paths.'/v1/graph'.get.responses.'404'.content", Matchers.hasKey("application/problem+json"))
                .body("components.schemas.FeatureGraph.properties", Matchers.hasKey("edges"));
    }

    private static Map<String, Object> feature(JsonPath json, String name) {
        List<Map<String, Object>> features = json.getList("features");
        return features.stream()
                .filter(f -> name.equals(f.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no feature " + name + " in the catalog"));
    }
}
