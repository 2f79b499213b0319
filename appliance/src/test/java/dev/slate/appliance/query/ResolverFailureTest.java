package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A failing resolver fails only its own features (and what depends on them): the answer is 200, the
 * failed fields are null with an error, everything else is answered. Each broken variant of the
 * fraud project is deployed to an environment of its own.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class ResolverFailureTest {
    @RegisterExtension
    static final QueryEnvironment MISSING_TABLE = QueryEnvironment.of("missing-table");

    @RegisterExtension
    static final QueryEnvironment UNREACHABLE = QueryEnvironment.of("unreachable");

    @RegisterExtension
    static final QueryEnvironment NO_SECRET = QueryEnvironment.of("no-secret");

    @RegisterExtension
    static final QueryEnvironment SLOW = QueryEnvironment.of("slow");

    @Inject
    DataSource dataSource;

    private FraudData data;

    @BeforeEach
    void setUp() throws Exception {
        data = new FraudData(dataSource).seed();
    }

    @Test
    void aResolverOnAMissingTableFailsItsFeaturesAndTheirDependentsOnly() throws Exception {
        MISSING_TABLE.deployOnce(FraudProjects.missingCreditTable());
        FraudData.User u = data.user(21);
        Answer a = Answer.of(MISSING_TABLE.query(Map.of(
                "inputs",
                Map.of("user.id", 21),
                "outputs",
                List.of("user.email", "user.credit_limit", "user.risk_score", "user.email_domain"),
                "include_meta",
                true)));

        assertThat(a.value("user.email").asText()).isEqualTo(u.email());
        assertThat(a.value("user.email_domain").asText()).isEqualTo(u.emailDomain());
        assertThat(a.field("user.email").get("error").isNull()).isTrue();

        JsonNode credit = a.field("user.credit_limit");
        assertThat(credit.get("value").isNull()).isTrue();
        assertThat(credit.get("error").get("code").asText()).isEqualTo("RESOLVER_FAILED");
        assertThat(credit.get("error").get("category").asText()).isEqualTo("FIELD");
        assertThat(credit.get("error").get("resolver").asText()).isEqualTo("user_credit");
        assertThat(credit.get("error").get("message").asText())
                .contains("credit_limits_that_do_not_exist")
                .contains("does not exist")
                .contains("42P01");

        JsonNode risk = a.field("user.risk_score");
        assertThat(risk.get("value").isNull()).isTrue();
        assertThat(risk.get("error").get("code").asText()).isEqualTo("UPSTREAM_FAILED");
        assertThat(risk.get("error").get("message").asText()).contains("user.credit_limit");

        assertThat(a.errors())
                .extracting(e -> e.get("feature").asText())
                .containsExactlyInAnyOrder("user.credit_limit", "user.risk_score");
        // a failed value is not cached: the next query tries again (and fails again)
        Answer again = Answer.of(MISSING_TABLE.query(Map.of(
                "inputs", Map.of("user.id", 21), "outputs", List.of("user.credit_limit"), "include_meta", true)));
        assertThat(again.cacheHit("user.credit_limit")).isFalse();
        assertThat(again.field("user.credit_limit").get("error").get("code").asText())
                .isEqualTo("RESOLVER_FAILED");

        // bulk: every row reports its own error, with its row index
        Answer bulk = Answer.of(MISSING_TABLE.bulk(Map.of(
                "inputs", Map.of("user.id", List.of(21, 22)), "outputs", List.of("user.name", "user.credit_limit"))));
        assertThat(bulk.field(0, "user.name").get("value").asText()).isEqualTo(u.name());
        assertThat(bulk.field(1, "user.name").get("value").asText())
                .isEqualTo(data.user(22).name());
        assertThat(bulk.errors()).extracting(e -> e.get("row").asInt()).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void anUnreachableSourceFailsEveryResolvedFeatureButTheAnswerIsStill200() {
        UNREACHABLE.deployOnce(FraudProjects.unreachableSource());
        Answer a = Answer.of(UNREACHABLE.query(Map.of(
                "inputs",
                Map.of("user.id", 3, "user.email", "given@input.test"),
                "outputs",
                List.of("user.id", "user.email_domain", "user.name", "user.credit_limit"))));

        // what needs no resolver is answered: the key, and an expression over a given input
        assertThat(a.value("user.id").asLong()).isEqualTo(3);
        assertThat(a.value("user.email_domain").asText()).isEqualTo("input.test");
        JsonNode name = a.field("user.name");
        assertThat(name.get("value").isNull()).isTrue();
        assertThat(name.get("error").get("code").asText()).isEqualTo("RESOLVER_FAILED");
        assertThat(name.get("error").get("message").asText()).startsWith("resolver user_profile failed");
        assertThat(a.field("user.credit_limit").get("error").get("code").asText())
                .isIn("RESOLVER_FAILED", "UPSTREAM_FAILED");
        assertThat(a.toString()).doesNotContain("postgres:").doesNotContain("password");
    }

    @Test
    void aMissingSecretIsAFieldErrorNamingTheSecretButNeverAValue() {
        NO_SECRET.deployOnce(FraudProjects.unconfiguredSecret());
        Answer a = Answer.of(NO_SECRET.query(Map.of("inputs", Map.of("user.id", 3), "outputs", List.of("user.email"))));
        JsonNode error = a.field("user.email").get("error");
        assertThat(error.get("code").asText()).isEqualTo("RESOLVER_FAILED");
        assertThat(error.get("message").asText())
                .contains("fraud_db_url_not_configured")
                .doesNotContain(FraudData.SOURCE_URL);
    }

    @Test
    void aSlowResolverTimesOutWithoutHoldingUpTheRest() throws Exception {
        SLOW.deployOnce(FraudProjects.slowTransactions());
        long start = System.nanoTime();
        Answer a = Answer.of(SLOW.query(Map.of(
                "inputs",
                Map.of("transaction.id", 5, "user.id", 9),
                "outputs",
                List.of("transaction.amount", "transaction.is_large", "user.email"))));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(a.value("user.email").asText()).isEqualTo(data.user(9).email());
        JsonNode amount = a.field("transaction.amount");
        assertThat(amount.get("value").isNull()).isTrue();
        assertThat(amount.get("error").get("code").asText()).isEqualTo("RESOLVER_TIMED_OUT");
        assertThat(amount.get("error").get("resolver").asText()).isEqualTo("transaction_by_id");
        assertThat(a.field("transaction.is_large").get("error").get("code").asText())
                .isEqualTo("UPSTREAM_FAILED");
        // the resolver sleeps for 1 s; the answer does not wait for it (generous bound: this is no timing test)
        assertThat(tookMs).isLessThan(900);
    }
}
