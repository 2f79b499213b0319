package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code user.transactions} (a has_many relation) as an output over REST, against the fraud example's transactions in
 * PostgreSQL, with the relation's limit lowered to 5 so that a user's rows are cut: the answer lists the newest rows,
 * compared with what PostgreSQL itself orders, and reports the cut in {@code meta.truncated}.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class RelationListingQueryTest {

    private static final int LIMIT = 5;

    @RegisterExtension
    static final QueryEnvironment ENV =
            QueryEnvironment.deploying("listing", () -> FraudProjects.transactionsLimit(LIMIT));

    @Inject
    DataSource dataSource;

    /** One transaction as PostgreSQL has it. */
    private record Row(long id, double amount, Instant ts) {}

    /** The user's transactions at or before {@code now}, newest first, straight from PostgreSQL. */
    private List<Row> transactions(long user, Instant now) throws Exception {
        List<Row> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id, amount::float8, ts FROM " + FraudData.SCHEMA
                        + ".transactions WHERE user_id = ? AND ts <= ? ORDER BY ts DESC")) {
            s.setLong(1, user);
            s.setTimestamp(2, Timestamp.from(now));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Row(
                            r.getLong(1),
                            r.getDouble(2),
                            r.getObject(3, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return out;
    }

    @Test
    void aListingHoldsTheNewestRowsUpToTheLimitAndTheCutIsInTheMeta() throws Exception {
        Instant now = Instant.now().plusSeconds(86_400); // after every seeded transaction
        List<Row> expected = transactions(1, now);
        assertThat(expected).as("user 1 has more transactions than the limit").hasSizeGreaterThan(LIMIT);

        Answer a = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", 1),
                "outputs",
                List.of("user.transactions", "user.email"),
                "now",
                now.toString(),
                "include_meta",
                true)));
        assertThat(a.errors()).isEmpty();
        JsonNode list = a.value("user.transactions");
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(LIMIT);
        for (int i = 0; i < LIMIT; i++) {
            JsonNode row = list.get(i);
            assertThat(row.get("id").asLong())
                    .as("row %d", i)
                    .isEqualTo(expected.get(i).id());
            assertThat(row.get("user_id").asLong()).isEqualTo(1L);
            assertThat(row.get("amount").asDouble()).isEqualTo(expected.get(i).amount());
            assertThat(Instant.parse(row.get("ts").asText()))
                    .isEqualTo(expected.get(i).ts());
            assertThat(row.has("merchant")).isTrue();
        }
        assertThat(a.field("user.transactions").get("meta").get("resolver").asText())
                .isEqualTo("relation user.transactions");
        assertThat(a.field("user.transactions").get("meta").get("cache_hit").asBoolean())
                .isFalse();
        JsonNode truncated = a.meta().get("truncated");
        assertThat(truncated.isArray()).as("meta %s", a.meta()).isTrue();
        assertThat(truncated).hasSize(1);
        assertThat(truncated.get(0).get("feature").asText()).isEqualTo("user.transactions");
        assertThat(truncated.get(0).get("limit").asInt()).isEqualTo(LIMIT);
        assertThat(truncated.get(0).has("row")).as("row only in bulk answers").isFalse();
    }

    @Test
    void aSelectionListsTheNamedFieldsAndAnUncutListingLeavesTheMetaNull() throws Exception {
        Instant now = Instant.parse("2025-03-01T00:00:00Z"); // user 1's first rows of the older batch only
        List<Row> expected = transactions(1, now);
        assertThat(expected).hasSizeBetween(1, LIMIT);

        Answer a = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", 1),
                "outputs",
                List.of("user.transactions{amount,ts}"),
                "now",
                now.toString())));
        JsonNode list = a.value("user.transactions{amount,ts}");
        assertThat(list).hasSize(expected.size());
        List<String> keys = new ArrayList<>();
        list.get(0).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("amount", "ts");
        assertThat(Instant.parse(list.get(0).get("ts").asText()))
                .isEqualTo(expected.get(0).ts());
        assertThat(a.meta().get("truncated").isNull()).isTrue();

        Answer empty = Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", 1),
                "outputs",
                List.of("user.transactions"),
                "now",
                "2024-01-01T00:00:00Z")));
        assertThat(empty.value("user.transactions").isArray()).isTrue();
        assertThat(empty.value("user.transactions")).isEmpty();
    }

    @Test
    void aBulkAnswerReportsEachCutRow() throws Exception {
        Instant now = Instant.now().plusSeconds(86_400);
        Answer a = Answer.of(ENV.bulk(Map.of(
                "inputs",
                Map.of("user.id", List.of(1, 2)),
                "outputs",
                List.of("user.transactions"),
                "now",
                now.toString())));
        JsonNode truncated = a.meta().get("truncated");
        assertThat(truncated).hasSize(2);
        assertThat(truncated.get(0).get("row").asInt()).isEqualTo(0);
        assertThat(truncated.get(1).get("row").asInt()).isEqualTo(1);
        assertThat(a.field(1, "user.transactions").get("value").get(0).get("id").asLong())
                .isEqualTo(transactions(2, now).getFirst().id());
    }

    @Test
    void aBadSelectionIsARequestErrorThatListsTheFields() {
        var r = ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user.transactions{amount,nope}")));
        assertThat(r.statusCode()).as(r.asString()).isBetween(400, 499);
        assertThat(r.contentType()).startsWith(QueryEnvironment.PROBLEM);
        assertThat(r.asString()).contains("id, user_id, amount, merchant, ts");

        var offline = ENV.request()
                .body(Map.of(
                        "inputs",
                        Map.of("user.id", List.of(1)),
                        "input_times",
                        List.of("2026-01-01T00:00:00Z"),
                        "outputs",
                        List.of("user.transactions")))
                .post("/v1/query/offline");
        assertThat(offline.statusCode()).as(offline.asString()).isEqualTo(400);
        assertThat(offline.asString()).contains("has_many");
    }
}
