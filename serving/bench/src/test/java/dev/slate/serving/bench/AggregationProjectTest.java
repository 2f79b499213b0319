package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregationProjectTest {

    @Test
    void theTwoVariantsDifferOnlyInMaterialize() {
        String pushdown = AggregationProject.files(false).get("slate.yaml");
        String materialized = AggregationProject.files(true).get("slate.yaml");
        assertThat(pushdown).doesNotContain("materialize");
        assertThat(materialized.lines().filter(l -> l.contains("materialize: {bucket: 1h}")))
                .hasSize(2);
        assertThat(materialized.replace(", materialize: {bucket: 1h}", "")).isEqualTo(pushdown);
        assertThat(pushdown).contains("FROM slate_bench.agg_transactions WHERE user_id = :user_id");
    }

    @Test
    void theOutputsAreTheIssuesFour() {
        assertThat(AggregationProject.outputNames())
                .containsExactly("user.txn_count[1h]", "user.txn_count[1d]", "user.txn_count[7d]", "user.spend[30d]");
        assertThat(AggregationProject.aggregations()).containsExactly("txn_count", "spend");
        assertThat(AggregationProject.widest("txn_count")).isEqualTo(Duration.ofDays(7));
        assertThat(AggregationProject.widest("spend")).isEqualTo(Duration.ofDays(30));
    }

    /** The worked example of docs/specs/aggregations.md, "The bucket-aligned window". */
    @Test
    void alignedWindowsAreWholeBucketsUpToTheCurrentOne() {
        Instant t = Instant.parse("2026-06-01T10:30:00Z");
        assertThat(AggregationProject.alignedStart(t, Duration.ofDays(1))).isEqualTo("2026-05-31T11:00:00Z");
        assertThat(AggregationProject.alignedStart(t, Duration.ofHours(1))).isEqualTo("2026-06-01T10:00:00Z");
        assertThat(AggregationProject.alignedEnd(t)).isEqualTo("2026-06-01T11:00:00Z");
        assertThat(AggregationProject.alignedEnd(Instant.parse("2026-06-01T11:00:00Z")))
                .isEqualTo("2026-06-01T12:00:00Z");
    }

    @Test
    void theSeedMakesUsersTimesRowsPlusATenthOlder() {
        List<String> sql = AggregationProject.createStatements(20, 10_000);
        assertThat(sql).anySatisfy(s -> assertThat(s).contains("generate_series(1, 220000)"));
        assertThat(sql).anySatisfy(s -> assertThat(s).contains("CASE WHEN k < 10000"));
    }
}
