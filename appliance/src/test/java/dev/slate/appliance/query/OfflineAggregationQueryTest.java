package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Windowed aggregations in an offline query over REST (docs/specs/aggregations.md, "Offline"): the fraud example's
 * transactions are ingested into the offline store through {@code /v1/ingest} ({@code transaction.*} columns, observed
 * at their event time), and an offline query for {@code user.txn_count[…]} and {@code user.spend[…]} at T gives what
 * the online query at T computes by pushdown from the same rows in PostgreSQL.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class OfflineAggregationQueryTest {

    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("offagg", FraudProjects::fraud);

    private static final List<String> OUTPUTS = List.of(
            "user.txn_count[1h]", "user.txn_count[1d]", "user.txn_count[7d]", "user.spend[1d]", "user.spend[30d]");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DataSource dataSource;

    /** Every transaction of the users as ingest rows, observed at their event time; answers the latest event time. */
    private Instant ingestTransactions(List<Long> users) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        Instant latest = Instant.EPOCH;
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id, user_id, amount::float8, merchant, ts FROM "
                        + FraudData.SCHEMA + ".transactions WHERE user_id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("bigint", users.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Instant ts = r.getObject(5, OffsetDateTime.class).toInstant();
                    latest = ts.isAfter(latest) ? ts : latest;
                    Map<String, Object> row = new HashMap<>();
                    row.put("transaction.id", r.getLong(1));
                    row.put("transaction.user_id", r.getLong(2));
                    row.put("transaction.amount", r.getDouble(3));
                    row.put("transaction.merchant", r.getString(4));
                    row.put("transaction.ts", ts.toString());
                    row.put("__ts__", ts.toString());
                    rows.add(row);
                }
            }
        }
        assertThat(rows)
                .as("the fraud data has transactions for users %s", users)
                .isNotEmpty();
        Response r =
                ENV.request().body(Map.of("rows", rows, "store_online", false)).post("/v1/ingest");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return latest;
    }

    @Test
    void anOfflineAggregationAtTEqualsTheOnlinePushdownAtT() throws Exception {
        Instant t = ingestTransactions(List.of(1L, 2L)); // the newest transaction lies exactly at T: in every window
        List<Long> users = List.of(1L, 2L);

        Response submitted = ENV.request()
                .body(Map.of(
                        "inputs",
                        Map.of("user.id", users),
                        "input_times",
                        List.of(t.toString(), t.toString()),
                        "outputs",
                        OUTPUTS))
                .post("/v1/query/offline");
        assertThat(submitted.statusCode()).as(submitted.asString()).isEqualTo(202);
        String id = submitted.jsonPath().getString("job_id");
        JsonNode status = Awaitility.await("job finishes")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> JSON.readTree(
                                ENV.request().get("/v1/query/offline/" + id).asString()),
                        s -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                                .contains(s.get("status").asText()));
        assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("SUCCEEDED");
        JsonNode result = JSON.readTree(ENV.request()
                .get("/v1/query/offline/" + id + "/result?format=json")
                .asString());
        assertThat(result.get("feature_errors").isNull()).as(result.toString()).isTrue();

        boolean someNonZero = false;
        for (int u = 0; u < users.size(); u++) {
            Answer online = Answer.of(ENV.query(
                    Map.of("inputs", Map.of("user.id", users.get(u)), "outputs", OUTPUTS, "now", t.toString())));
            assertThat(online.errors()).isEmpty();
            JsonNode row = result.get("rows").get(u);
            for (String output : OUTPUTS) {
                assertThat(row.get(output))
                        .as("%s of user %d at %s", output, users.get(u), t)
                        .isEqualTo(online.value(output));
                someNonZero |= output.startsWith("user.txn_count")
                        && online.value(output).asLong() > 0;
            }
        }
        assertThat(someNonZero).as("the windows hold transactions").isTrue();
    }

    @Test
    void anUndeclaredWindowIsRefusedOffline() {
        Response r = ENV.request()
                .body(Map.of(
                        "inputs",
                        Map.of("user.id", List.of(1L)),
                        "input_times",
                        List.of("2026-01-01T00:00:00Z"),
                        "outputs",
                        List.of("user.txn_count[2h]")))
                .post("/v1/query/offline");
        assertThat(r.statusCode()).as(r.asString()).isBetween(400, 499);
        assertThat(r.contentType()).startsWith(QueryEnvironment.PROBLEM);
        assertThat(r.asString())
                .contains("declared windows: user.txn_count[1h], user.txn_count[1d], user.txn_count[7d]");
    }
}
