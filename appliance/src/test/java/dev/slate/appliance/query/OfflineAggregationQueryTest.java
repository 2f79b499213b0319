package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
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
 * at their event time) and {@code user.spend} (materialized, 1h buckets) is backfilled from there; an offline query for
 * {@code user.txn_count[…]} and {@code user.spend[…]} at T gives what the online query at T computes — txn_count by
 * pushdown from the same rows in PostgreSQL over the exact window (T − w, T], spend from its buckets over the
 * bucket-aligned window — and both equal a computation by hand from the rows.
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

    /** One transaction as PostgreSQL has it (the amount exact, as numeric). */
    private record Txn(long user, BigDecimal amount, Instant ts) {}

    private final List<Txn> ingested = new ArrayList<>();

    /** Every transaction of the users as ingest rows, observed at their event time; answers the latest event time. */
    private Instant ingestTransactions(List<Long> users) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        Instant latest = Instant.EPOCH;
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT id, user_id, amount::float8, merchant, ts, amount FROM "
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
                    ingested.add(new Txn(r.getLong(2), r.getBigDecimal(6), ts));
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

    /** {@code txn_count[w]} by hand: the rows of the user in the exact window (T − w, T]. */
    private long count(long user, Instant t, Duration w) {
        return ingested.stream()
                .filter(x -> x.user() == user && x.ts().isAfter(t.minus(w)) && !x.ts().isAfter(t))
                .count();
    }

    /**
     * {@code spend[w]} by hand with the bucket-aligned rule for 1h buckets: with k = ⌊T / 1h⌋ and n = w / 1h, the
     * positive amounts of the user with event times in [(k − n + 1)·1h, (k + 1)·1h); null for none.
     */
    private Double bucketAlignedSpend(long user, Instant t, Duration w) {
        long hour = Duration.ofHours(1).toMillis();
        long k = Math.floorDiv(t.toEpochMilli(), hour);
        long n = w.toMillis() / hour;
        Instant from = Instant.ofEpochMilli((k - n + 1) * hour);
        Instant until = Instant.ofEpochMilli((k + 1) * hour);
        List<BigDecimal> amounts = ingested.stream()
                .filter(x -> x.user() == user && !x.ts().isBefore(from) && x.ts().isBefore(until))
                .map(Txn::amount)
                .filter(a -> a.signum() > 0)
                .toList();
        return amounts.isEmpty()
                ? null
                : amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue();
    }

    @Test
    void anOfflineAggregationAtTEqualsTheOnlinePushdownAtT() throws Exception {
        Instant t = ingestTransactions(List.of(1L, 2L)); // the newest transaction lies exactly at T: in every window
        List<Long> users = List.of(1L, 2L);
        Response backfill = ENV.request().body(Map.of()).post("/v1/aggregations/user.spend/backfill");
        assertThat(backfill.statusCode()).as(backfill.asString()).isEqualTo(200);
        assertThat(backfill.jsonPath().getLong("rows")).isEqualTo(ingested.size());

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
            long user = users.get(u);
            for (Duration w : List.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(7))) {
                assertThat(online.value("user.txn_count[" + label(w) + "]").asLong())
                        .as("txn_count[%s] of user %d by pushdown: the exact window", label(w), user)
                        .isEqualTo(count(user, t, w));
            }
            for (Duration w : List.of(Duration.ofDays(1), Duration.ofDays(30))) {
                JsonNode spend = online.value("user.spend[" + label(w) + "]");
                Double expected = bucketAlignedSpend(user, t, w);
                assertThat(spend.isNull() ? null : spend.asDouble())
                        .as("spend[%s] of user %d from the buckets: the bucket-aligned window", label(w), user)
                        .isEqualTo(expected);
            }
        }
        assertThat(bucketAlignedSpend(1L, t, Duration.ofDays(30)))
                .as("user 1 spent in the last 30 days")
                .isNotNull();
        assertThat(someNonZero).as("the windows hold transactions").isTrue();
    }

    private static String label(Duration w) {
        return w.toDays() > 0 ? w.toDays() + "d" : w.toHours() + "h";
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
