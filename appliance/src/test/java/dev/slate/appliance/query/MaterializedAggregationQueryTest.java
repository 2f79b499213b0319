package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A materialized aggregation over REST (docs/specs/aggregations.md, "Online: materialized"): the fraud example with
 * {@code user.txn_count} kept in one-hour Redis buckets too (the example keeps only {@code user.spend} there). Before a backfill it is computed by pushdown (the trace says
 * why); {@code POST /v1/aggregations/user.txn_count/backfill} marks the buckets complete, and transactions ingested
 * through {@code /v1/ingest} — of a user the PostgreSQL source does not know, so only the buckets can count them — are
 * counted at once, late ones included, and a delete by re-ingest takes one back.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class MaterializedAggregationQueryTest {

    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("matagg", FraudProjects::materializedTxnCount);

    private static final long USER = 4_242_001L;

    private static Map<String, Object> txn(long id, Instant ts, Instant observed) {
        Map<String, Object> row = new HashMap<>();
        row.put("transaction.id", id);
        row.put("transaction.user_id", USER);
        row.put("transaction.amount", 12.5);
        row.put("transaction.merchant", "m1");
        row.put("transaction.ts", ts == null ? null : ts.toString());
        row.put("__ts__", observed.toString());
        return row;
    }

    private static void ingest(List<Map<String, Object>> rows) {
        Response r = ENV.request().body(Map.of("rows", rows)).post("/v1/ingest");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    }

    private static Answer query(boolean explain) {
        return Answer.of(ENV.query(Map.of(
                "inputs",
                Map.of("user.id", USER),
                "outputs",
                List.of("user.txn_count[1h]", "user.txn_count[1d]"),
                "include_meta",
                true,
                "explain",
                explain)));
    }

    @Test
    void ingestedTransactionsAreCountedFromTheBuckets() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant early = now.minus(Duration.ofMinutes(1));
        // never backfilled: pushdown, which sees no row of this user in PostgreSQL
        Answer before = query(true);
        assertThat(before.value("user.txn_count[1h]").asLong()).isZero();
        assertThat(before.meta().get("explain_output").asText())
                .contains("aggregate buckets over user.transactions (materialized, bucket 1h")
                .contains("falls back to pushdown (rows of transactions_of_user)");

        Response backfill = ENV.request().body(Map.of()).post("/v1/aggregations/user.txn_count/backfill");
        assertThat(backfill.statusCode()).as(backfill.asString()).isEqualTo(200);
        assertThat(backfill.jsonPath().getString("aggregation")).isEqualTo("user.txn_count");
        assertThat(backfill.jsonPath().getString("bucket")).isEqualTo("1h");

        ingest(List.of(
                txn(90_001, early, early),
                txn(90_002, early, early),
                txn(90_003, now.minus(Duration.ofHours(5)), early))); // late: observed hours after its event time
        Answer after = query(false);
        assertThat(after.value("user.txn_count[1d]").asLong()).isEqualTo(3L);
        long lastHour = after.value("user.txn_count[1h]").asLong();
        assertThat(lastHour).isBetween(1L, 2L); // whole buckets: 2, unless `early` fell into the previous hour

        ingest(List.of(txn(90_002, null, now))); // deleted by re-ingest with a null event time
        assertThat(query(false).value("user.txn_count[1d]").asLong()).isEqualTo(2L);
    }

    @Test
    void backfillOfAnUnknownAggregationIsNotFound() {
        // (the refusal of an aggregation that is not materialized: DemoSeedingTest, where txn_count is pushed down)
        Response unknown = ENV.request().body(Map.of()).post("/v1/aggregations/user.nope/backfill");
        assertThat(unknown.statusCode()).as(unknown.asString()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith(QueryEnvironment.PROBLEM);
    }
}
