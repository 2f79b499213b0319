package dev.slate.appliance.demo;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.engine.materialize.AggregateBackfillService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo as {@code slate up --demo} starts it (docs/specs/aggregations.md, "Online: materialized"): at startup the
 * seeder seeds {@value DemoSeeder#DATABASE}, deploys the fraud example into the default environment, ingests the seeded
 * transactions into the offline store and backfills {@code user.spend}. Then {@code user.spend[…]} is read from its
 * one-hour buckets and equals, for the same user and time, the offline value and a sum by hand over the
 * bucket-aligned window; {@code user.txn_count} stays pushed down. A second start ingests nothing and counts nothing
 * twice.
 */
@QuarkusTest
@TestProfile(DemoTestProfile.class)
class DemoSeedingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HOUR = Duration.ofHours(1);
    private static final long USER = 1L;
    private static final List<String> OUTPUTS =
            List.of("user.spend[1d]", "user.spend[30d]", "user.txn_count[1h]", "user.txn_count[7d]");

    @Inject
    DemoSeeder seeder;

    /** One transaction as the demo database has it (the amount exact, as numeric). */
    private record Txn(long id, long user, BigDecimal amount, Instant ts) {}

    private List<Txn> transactions;

    @BeforeEach
    void readTheDemoDatabase() throws Exception {
        transactions = new ArrayList<>();
        try (Connection c = DemoTestProfile.DEMO_DATABASE.connect();
                PreparedStatement s = c.prepareStatement("SELECT id, user_id, amount, ts FROM transactions")) {
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    transactions.add(new Txn(
                            r.getLong(1),
                            r.getLong(2),
                            r.getBigDecimal(3),
                            r.getObject(4, OffsetDateTime.class).toInstant()));
                }
            }
        }
        assertThat(transactions).as("the seeded transactions").hasSize(30_006);
    }

    @Test
    void spendIsReadFromItsBucketsAndEqualsTheOfflineValueAndTheBucketAlignedSum() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, JsonNode> online = online(now, true);
        String explain = online.get("__explain__").asText();
        assertThat(explain)
                .contains("aggregate buckets over user.transactions (materialized, bucket 1h, epoch-aligned)")
                .contains("-> user.spend[1d] = sum(transaction.amount) where amount > 0.0, user.spend[30d] =")
                .contains("pushed down: transaction.ts in (now - 7d, now] -> user.txn_count[1h] = count");

        Double spend30d = bucketAlignedSpend(now, Duration.ofDays(30));
        assertThat(spend30d).as("user 1 spent in the last 30 days").isNotNull();
        assertThat(online.get("user.spend[30d]").asDouble()).isEqualTo(spend30d);
        assertThat(number(online.get("user.spend[1d]"))).isEqualTo(bucketAlignedSpend(now, Duration.ofDays(1)));
        assertThat(online.get("user.txn_count[1h]").asLong())
                .as("txn_count[1h] by pushdown: the exact last hour")
                .isEqualTo(exactCount(now, HOUR));
        assertThat(online.get("user.txn_count[7d]").asLong())
                .as("txn_count[7d] by pushdown: the exact last 7 days")
                .isEqualTo(exactCount(now, Duration.ofDays(7)))
                .isPositive();
        assertThat(offline(now)).isEqualTo(withoutExplain(online));

        // A time at which the two windows differ: the oldest transaction of the user with a positive amount (not in
        // an hour's first second), seen from 30 days minus one second later, is inside the exact window but in the
        // bucket before the first bucket of the aligned one. Online must give the aligned sum.
        Txn edge = transactions.stream()
                .filter(t -> t.user() == USER && t.amount().signum() > 0)
                .filter(t -> t.ts().isAfter(now.minus(Duration.ofDays(30))))
                .filter(t -> t.ts().getEpochSecond() % 3600 != 0)
                .min((a, b) -> a.ts().compareTo(b.ts()))
                .orElseThrow();
        Instant t = edge.ts().plus(Duration.ofDays(30)).minusSeconds(1);
        Map<String, JsonNode> atEdge = online(t, false);
        Double aligned = bucketAlignedSpend(t, Duration.ofDays(30));
        assertThat(aligned)
                .as("user 1's newer transactions are in the aligned window")
                .isNotNull();
        assertThat(exactSpend(t, Duration.ofDays(30)))
                .as("the exact window holds transaction %d, the aligned one does not", edge.id())
                .isGreaterThan(aligned);
        assertThat(atEdge.get("user.spend[30d]").asDouble()).isEqualTo(aligned);
        assertThat(offline(t).get("user.spend[30d]")).isEqualTo(atEdge.get("user.spend[30d]"));
    }

    @Test
    void aSecondStartIngestsNothingAndCountsNothingTwice() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, JsonNode> before = withoutExplain(online(now, false));

        Optional<DemoAggregations.Outcome> again = seeder.prepare(); // what the next start runs
        assertThat(again).isPresent();
        assertThat(again.get().ingested()).as("transactions ingested again").isZero();
        assertThat(again.get().alreadyStored()).isEqualTo(transactions.size());
        assertThat(again.get().backfills())
                .extracting(AggregateBackfillService.Result::aggregation)
                .containsExactly("user.spend");
        assertThat(again.get().backfills().getFirst().rows()).isEqualTo(transactions.size());

        Map<String, JsonNode> after = withoutExplain(online(now, false));
        assertThat(after).isEqualTo(before);
        assertThat(after.get("user.spend[30d]").asDouble()).isEqualTo(bucketAlignedSpend(now, Duration.ofDays(30)));
        assertThat(offline(now)).isEqualTo(after);
    }

    @Test
    void onlyTheMaterializedAggregationCanBeBackfilled() {
        Response r =
                given().contentType(ContentType.JSON).body(Map.of()).post("/v1/aggregations/user.txn_count/backfill");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.asString()).contains("not materialized");
        Response spend =
                given().contentType(ContentType.JSON).body(Map.of()).post("/v1/aggregations/user.spend/backfill");
        assertThat(spend.statusCode()).as(spend.asString()).isEqualTo(200);
        assertThat(spend.jsonPath().getLong("rows")).isEqualTo(transactions.size());
    }

    /**
     * {@code spend[w]} by hand, bucket-aligned (1h buckets): with k = ⌊T / 1h⌋ and n = w / 1h, the positive amounts of
     * the user with event times in [(k − n + 1)·1h, (k + 1)·1h), summed exactly; null for none.
     */
    private Double bucketAlignedSpend(Instant t, Duration w) {
        long k = Math.floorDiv(t.toEpochMilli(), HOUR.toMillis());
        long n = w.toMillis() / HOUR.toMillis();
        Instant from = Instant.ofEpochMilli((k - n + 1) * HOUR.toMillis());
        Instant until = Instant.ofEpochMilli((k + 1) * HOUR.toMillis());
        return sum(transactions.stream()
                .filter(x -> !x.ts().isBefore(from) && x.ts().isBefore(until))
                .toList());
    }

    /** {@code spend[w]} over the exact window (T − w, T], as pushdown would compute it. */
    private Double exactSpend(Instant t, Duration w) {
        return sum(transactions.stream()
                .filter(x -> x.ts().isAfter(t.minus(w)) && !x.ts().isAfter(t))
                .toList());
    }

    private Double sum(List<Txn> rows) {
        List<BigDecimal> amounts = rows.stream()
                .filter(x -> x.user() == USER && x.amount().signum() > 0)
                .map(Txn::amount)
                .toList();
        return amounts.isEmpty()
                ? null
                : amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue();
    }

    private long exactCount(Instant t, Duration w) {
        return transactions.stream()
                .filter(x -> x.user() == USER && x.ts().isAfter(t.minus(w)) && !x.ts().isAfter(t))
                .count();
    }

    private static Double number(JsonNode value) {
        return value == null || value.isNull() ? null : value.asDouble();
    }

    /** The online answer for user 1 at {@code now}, by output (and the plan under {@code __explain__} if asked). */
    private static Map<String, JsonNode> online(Instant now, boolean explain) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", Map.of("user.id", USER));
        body.put("outputs", OUTPUTS);
        body.put("now", now.toString());
        body.put("include_meta", explain);
        body.put("explain", explain);
        Response r = given().contentType(ContentType.JSON).body(body).post("/v1/query/online");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.asString());
        assertThat(json.get("errors")).as(r.asString()).isEmpty();
        Map<String, JsonNode> values = new LinkedHashMap<>();
        json.get("data").forEach(f -> values.put(f.get("field").asText(), f.get("value")));
        if (explain) {
            values.put("__explain__", json.get("meta").get("explain_output"));
        }
        return values;
    }

    private static Map<String, JsonNode> withoutExplain(Map<String, JsonNode> values) {
        Map<String, JsonNode> out = new LinkedHashMap<>(values);
        out.remove("__explain__");
        return out;
    }

    /** The offline answer for user 1 at {@code t} (a point-in-time query over the offline store), by output. */
    private static Map<String, JsonNode> offline(Instant t) throws Exception {
        Response submitted = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "inputs", Map.of("user.id", List.of(USER)),
                        "input_times", List.of(t.toString()),
                        "outputs", OUTPUTS))
                .post("/v1/query/offline");
        assertThat(submitted.statusCode()).as(submitted.asString()).isEqualTo(202);
        String id = submitted.jsonPath().getString("job_id");
        JsonNode status = Awaitility.await("offline job " + id + " finishes")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> JSON.readTree(
                                given().get("/v1/query/offline/" + id).asString()),
                        s -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                                .contains(s.get("status").asText()));
        assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("SUCCEEDED");
        JsonNode result = JSON.readTree(
                given().get("/v1/query/offline/" + id + "/result?format=json").asString());
        assertThat(result.get("feature_errors").isNull()).as(result.toString()).isTrue();
        JsonNode row = result.get("rows").get(0);
        Map<String, JsonNode> values = new LinkedHashMap<>();
        OUTPUTS.forEach(o -> values.put(o, row.get(o)));
        return values;
    }
}
