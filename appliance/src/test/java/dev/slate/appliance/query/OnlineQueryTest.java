package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Online queries against the fraud example deployed through the API, with its data in PostgreSQL. */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class OnlineQueryTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final List<String> USER_FEATURES = List.of(
            "user.email",
            "user.name",
            "user.age",
            "user.signup_date",
            "user.country",
            "user.is_verified",
            "user.created_at",
            "user.credit_limit",
            "user.email_domain",
            "user.name_upper",
            "user.is_adult",
            "user.account_age_days",
            "user.risk_score");

    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("query", FraudProjects::fraud);

    @Test
    void answersResolvedAndExpressionFeaturesWithTheSeededValues() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        for (long id : List.of(1L, 7L, 500L)) {
            FraudData.User u = ENV.data().user(id);
            Answer a = Answer.of(ENV.query(Map.of(
                    "inputs",
                    Map.of("user.id", id),
                    "outputs",
                    USER_FEATURES,
                    "now",
                    now.toString(),
                    "include_meta",
                    true)));

            assertThat(a.errors()).as("errors of %s", a).isEmpty();
            assertThat(a.value("user.email").asText()).isEqualTo(u.email());
            assertThat(a.value("user.name").asText()).isEqualTo(u.name());
            assertThat(a.value("user.age").asLong()).isEqualTo(u.age());
            assertThat(a.value("user.signup_date").asText())
                    .isEqualTo(u.signupDate().toString());
            assertThat(a.value("user.country").asText()).isEqualTo(u.country());
            assertThat(a.value("user.is_verified").asBoolean()).isEqualTo(u.verified());
            assertThat(Instant.parse(a.value("user.created_at").asText())).isEqualTo(u.createdAt());
            assertThat(a.value("user.credit_limit").asDouble()).isEqualTo(u.creditLimit());
            assertThat(a.value("user.email_domain").asText()).isEqualTo(u.emailDomain());
            assertThat(a.value("user.name_upper").asText()).isEqualTo(u.name().toUpperCase(Locale.ROOT));
            assertThat(a.value("user.is_adult").asBoolean()).isEqualTo(u.age() >= 18);
            long ageDays = Duration.between(u.createdAt(), now).toHours() / 24;
            assertThat(a.value("user.account_age_days").asLong()).isEqualTo(ageDays);
            double risk = (u.verified() ? 0.0 : 0.4)
                    + (u.age() < 21 ? 0.2 : 0.0)
                    + (u.creditLimit() > 5000.0 ? 0.1 : 0.0)
                    + (ageDays < 30 ? 0.3 : 0.0);
            assertThat(a.value("user.risk_score").asDouble()).isCloseTo(risk, within(1e-9));

            JsonNode email = a.field("user.email");
            assertThat(email.get("pkey").asLong()).isEqualTo(id);
            assertThat(email.get("error").isNull()).isTrue();
            assertThat(email.get("meta").get("resolver").asText()).isEqualTo("user_profile");
            assertThat(a.field("user.credit_limit").get("meta").get("resolver").asText())
                    .isEqualTo("user_credit");
            assertThat(a.field("user.risk_score").get("meta").get("resolver").asText())
                    .isEqualTo("expression");
            assertThat(a.meta().get("deployment_id").asText()).isEqualTo(ENV.deploymentId());
            assertThat(a.meta().get("environment").asText()).isEqualTo(ENV.name());
            assertThat(a.meta().get("query_id").asText()).startsWith("q_");
            assertThat(a.meta().get("plan_hash").asText()).isNotBlank();
            assertThat(a.meta().get("explain_output").isNull()).isTrue();
        }
        // user 1 by hand from the seed script: name 'ben' (1 + 1 % 10), domain 'mail.test' (1 + 1 % 4), country 'GB' (1
        // + 3 % 8)
        Answer first = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", 1),
                "outputs",
                List.of("user.email", "user.country", "user.credit_limit"))));
        assertThat(first.value("user.email").asText()).isEqualTo("ben.1@mail.test");
        assertThat(first.value("user.country").asText()).isEqualTo("GB");
        assertThat(first.value("user.credit_limit").asDouble()).isEqualTo(4500.0);
    }

    @Test
    void chainsResolversAndShortCutsAGivenIntermediateInput() throws Exception {
        FraudData.User u = ENV.data().user(42);
        // user_credit needs user.country, which only user_profile produces
        Answer chained = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", 42),
                "outputs",
                List.of("user.credit_limit"),
                "include_meta",
                true,
                "explain",
                true)));
        assertThat(chained.value("user.credit_limit").asDouble()).isEqualTo(u.creditLimit());
        String explain = chained.meta().get("explain_output").asText();
        assertThat(explain).contains("resolve user_profile").contains("resolve user_credit");
        assertThat(explain.indexOf("resolve user_profile")).isLessThan(explain.indexOf("resolve user_credit"));

        // a given country is used as is: only user_credit runs, with that country
        Answer given = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", 42, "user.country", "JP"),
                "outputs",
                List.of("user.credit_limit"),
                "explain",
                true,
                "staleness",
                Map.of("user.credit_limit", "0s"))));
        assertThat(given.value("user.credit_limit").asDouble()).isEqualTo(6000.0);
        assertThat(given.meta().get("explain_output").asText())
                .contains("resolve user_credit")
                .doesNotContain("resolve user_profile");

        // transactions: a resolver declared in its own .sql file, and an expression over its output
        Map<String, Object> t = ENV.data().transaction(97);
        Answer txn = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("transaction.id", 97),
                "outputs",
                List.of(
                        "transaction.amount",
                        "transaction.merchant",
                        "transaction.user_id",
                        "transaction.is_large",
                        "transaction.ts"))));
        assertThat(txn.value("transaction.amount").asDouble()).isEqualTo((Double) t.get("amount"));
        assertThat(txn.value("transaction.merchant").asText()).isEqualTo(t.get("merchant"));
        assertThat(txn.value("transaction.user_id").asLong()).isEqualTo(t.get("user_id"));
        assertThat(txn.value("transaction.is_large").asBoolean())
                .isEqualTo((Double) t.get("amount") > 1000.0)
                .isTrue();
        assertThat(Instant.parse(txn.value("transaction.ts").asText())).isEqualTo(t.get("ts"));
    }

    @Test
    void bulkAnswersOneRowPerInputRowInOrder() throws Exception {
        List<Long> ids = List.of(3L, 1L, 999L, 250L, 3L);
        Answer a = Answer.of(ENV.bulk(Map.of(
                "inputs",
                Map.of("user.id", ids),
                "outputs",
                List.of("user.email_domain", "user.credit_limit", "user.age"),
                "include_meta",
                true)));
        assertThat(a.json().get("data")).hasSize(ids.size());
        for (int row = 0; row < ids.size(); row++) {
            FraudData.User u = ENV.data().user(ids.get(row));
            assertThat(a.field(row, "user.email_domain").get("value").asText())
                    .as("row %d", row)
                    .isEqualTo(u.emailDomain());
            assertThat(a.field(row, "user.credit_limit").get("value").asDouble())
                    .isEqualTo(u.creditLimit());
            assertThat(a.field(row, "user.age").get("value").asLong()).isEqualTo(u.age());
            assertThat(a.field(row, "user.age").get("pkey").asLong()).isEqualTo(ids.get(row));
        }
        assertThat(a.errors()).isEmpty();

        // an unknown user: resolved features are null without error; an expression over a null input reports an error
        // for that row only
        Answer missing = Answer.of(ENV.bulk(Map.of(
                "inputs", Map.of("user.id", List.of(2, 123456789)), "outputs", List.of("user.email", "user.age"))));
        assertThat(missing.field(0, "user.email").get("value").asText())
                .isEqualTo(ENV.data().user(2).email());
        assertThat(missing.field(1, "user.email").get("value").isNull()).isTrue();
        assertThat(missing.field(1, "user.email").get("error").isNull()).isTrue();
        assertThat(missing.field(1, "user.age").get("value").isNull()).isTrue();

        // an empty bulk query answers no rows
        Answer empty =
                Answer.of(ENV.bulk(Map.of("inputs", Map.of("user.id", List.of()), "outputs", List.of("user.email"))));
        assertThat(empty.json().get("data")).isEmpty();
    }

    @Test
    void bulkAnswersAsAnArrowStreamWithTheJsonFormsColumns() throws Exception {
        List<Long> ids = List.of(3L, 999L, 1L);
        List<String> outputs = List.of(
                "user.email_domain", "user.credit_limit", "user.age", "user.txn_count[1d]", "user.transactions");
        Map<String, Object> body = Map.of("inputs", Map.of("user.id", ids), "outputs", outputs);
        Answer json = Answer.of(ENV.bulk(body));
        Response arrow = ENV.request()
                .accept("application/vnd.apache.arrow.stream")
                .body(body)
                .post("/v1/query/online/bulk");
        assertThat(arrow.statusCode()).isEqualTo(200);
        assertThat(arrow.contentType()).startsWith("application/vnd.apache.arrow.stream");
        try (BufferAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(arrow.asInputStream(), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<String> columns = new ArrayList<>(outputs);
            columns.add("errors");
            assertThat(root.getSchema().getFields().stream().map(Field::getName).toList())
                    .isEqualTo(columns);
            assertThat(root.getSchema().getCustomMetadata().get("environment")).isEqualTo(ENV.name());
            assertThat(reader.loadNextBatch()).isTrue();
            assertThat(root.getRowCount()).isEqualTo(ids.size());
            for (int row = 0; row < ids.size(); row++) {
                JsonNode domain = json.field(row, "user.email_domain").get("value");
                Object arrowDomain = root.getVector("user.email_domain").getObject(row);
                assertThat(arrowDomain == null ? null : arrowDomain.toString())
                        .isEqualTo(domain.isNull() ? null : domain.asText());
                JsonNode limit = json.field(row, "user.credit_limit").get("value");
                assertThat((Double) root.getVector("user.credit_limit").getObject(row))
                        .isEqualTo(limit.isNull() ? null : limit.asDouble());
                JsonNode count = json.field(row, "user.txn_count[1d]").get("value");
                assertThat((Long) root.getVector("user.txn_count[1d]").getObject(row))
                        .isEqualTo(count.isNull() ? null : count.asLong());
                // a has_many listing travels as the JSON text of its objects
                JsonNode listed = json.field(row, "user.transactions").get("value");
                Object arrowListed = root.getVector("user.transactions").getObject(row);
                if (listed.isNull()) {
                    assertThat(arrowListed).isNull();
                } else {
                    assertThat(MAPPER.readTree(arrowListed.toString())).isEqualTo(listed);
                }
                assertThat(root.getVector("errors").isNull(row)).isTrue();
            }
            for (int row = 0; row < ids.size(); row++) {
                assertThat(root.getVector("user.age").getObject(row))
                        .isEqualTo((long) ENV.data().user(ids.get(row)).age());
            }
        }
        // a refused query is problem+json whatever the caller accepts
        Response refused = ENV.request()
                .accept("application/vnd.apache.arrow.stream")
                .body(Map.of("inputs", Map.of("user.id", ids), "outputs", List.of("user.no_such_feature")))
                .post("/v1/query/online/bulk");
        assertThat(refused.statusCode()).isBetween(400, 499);
        assertThat(refused.contentType()).startsWith("application/problem+json");
    }

    @Test
    void explainShowsThePlanAndWhatThisRequestDid() {
        Map<String, Object> body = Map.of(
                "inputs",
                Map.of("user.id", 11),
                "outputs",
                List.of("user.risk_score", "user.email_domain"),
                "explain",
                true,
                "query_name",
                "checkout");
        Answer a = Answer.of(ENV.query(body));
        String explain = a.meta().get("explain_output").asText();
        assertThat(explain)
                .startsWith("plan " + a.meta().get("plan_hash").asText())
                .contains("inputs:  [user.id]")
                .contains("outputs: [user.risk_score, user.email_domain]")
                .contains("online store read")
                .contains("resolve user_profile")
                .contains("resolve user_credit")
                .contains("compute user.risk_score")
                .contains("compute user.email_domain")
                .contains("write back")
                .contains("this request:");
        assertThat(a.meta().get("query_name").asText()).isEqualTo("checkout");

        // the same shape gives the same plan
        Answer again = Answer.of(ENV.query(body));
        assertThat(again.meta().get("plan_hash").asText())
                .isEqualTo(a.meta().get("plan_hash").asText());
        Answer noExplain =
                Answer.of(ENV.query(Map.of("inputs", Map.of("user.id", 11), "outputs", List.of("user.email_domain"))));
        assertThat(noExplain.meta().get("explain_output").isNull()).isTrue();
    }

    @Test
    void inputsAreAlsoOutputsAndDuplicatesAreAnsweredOnce() {
        Answer a = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", 5),
                "outputs",
                List.of("user.id", "user.email", "user.email"),
                "include_meta",
                true)));
        assertThat(a.json().get("data")).hasSize(2);
        assertThat(a.value("user.id").asLong()).isEqualTo(5);
        assertThat(a.field("user.id").get("meta").get("resolver").asText()).isEqualTo("input");
    }

    @Test
    void numericStringKeysAreAcceptedAsInts() throws Exception {
        Answer a = Answer.of(ENV.query(Map.of("inputs", Map.of("user.id", "8"), "outputs", List.of("user.email"))));
        assertThat(a.value("user.email").asText()).isEqualTo(ENV.data().user(8).email());
    }

    @Test
    void manyRowsAndOutputsInOneBulkQuery() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (long i = 100; i < 150; i++) {
            ids.add(i);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", Map.of("user.id", ids));
        body.put("outputs", USER_FEATURES);
        body.put("now", "2026-06-01T00:00:00Z");
        Answer a = Answer.of(ENV.bulk(body));
        assertThat(a.json().get("data")).hasSize(ids.size());
        assertThat(a.errors()).isEmpty();
        for (int row : new int[] {0, 17, 49}) {
            FraudData.User u = ENV.data().user(ids.get(row));
            assertThat(a.field(row, "user.email").get("value").asText()).isEqualTo(u.email());
            assertThat(a.field(row, "user.credit_limit").get("value").asDouble())
                    .isEqualTo(u.creditLimit());
        }
    }
}
