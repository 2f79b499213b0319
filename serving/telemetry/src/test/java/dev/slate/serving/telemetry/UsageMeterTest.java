package dev.slate.serving.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class UsageMeterTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:03Z");
    private static final Duration TEN = Duration.ofSeconds(10);

    @Test
    void countsOfAPeriodBecomeRecordsOnePeriodAfterItClosed() {
        UsageMeter meter = new UsageMeter("node-a", TEN, T0);
        meter.queryCompleted("default", null, 3);
        meter.queryCompleted("default", null, 0);
        meter.queryCompleted("default", "fraud_check", 5);
        meter.queryCompleted("staging", "fraud_check", 1);

        List<UsageRecord> first = meter.close(Instant.parse("2026-12-07T10:00:10.5Z"), List.of("default", "staging"));
        // node seconds come at once; query counts wait one period for additions that raced with the swap
        assertThat(first).extracting(UsageRecord::metric).containsOnly(UsageMetric.NODE_SECONDS);
        assertThat(first).extracting(UsageRecord::environment).containsExactlyInAnyOrder("default", "staging");
        assertThat(first).allSatisfy(r -> {
            assertThat(r.quantity()).isEqualTo(10);
            assertThat(r.periodStart()).isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
            assertThat(r.periodEnd()).isEqualTo(Instant.parse("2026-12-07T10:00:10Z"));
            assertThat(r.queryName()).isEmpty();
        });

        meter.queryCompleted("default", null, 7); // the next period
        List<UsageRecord> second = meter.close(Instant.parse("2026-12-07T10:00:20Z"), List.of("default"));
        assertThat(second)
                .filteredOn(r -> r.periodStart().equals(Instant.parse("2026-12-07T10:00:00Z")))
                .extracting(r -> r.environment() + "/" + r.queryName().orElse("-") + "/"
                        + r.metric().wireName() + "=" + r.quantity())
                .containsExactlyInAnyOrder(
                        "default/adhoc/queries=2",
                        "default/adhoc/features_computed=3",
                        "default/fraud_check/queries=1",
                        "default/fraud_check/features_computed=5",
                        "staging/fraud_check/queries=1",
                        "staging/fraud_check/features_computed=1");
        assertThat(second)
                .filteredOn(r -> r.periodStart().equals(Instant.parse("2026-12-07T10:00:10Z")))
                .extracting(r -> r.metric().wireName() + "=" + r.quantity())
                .containsExactly("node_seconds=10");

        List<UsageRecord> drained = meter.drain(Instant.parse("2026-12-07T10:00:20Z"), List.of("default"));
        assertThat(drained)
                .extracting(r -> r.metric().wireName() + "=" + r.quantity())
                .containsExactlyInAnyOrder("queries=1", "features_computed=7");
    }

    @Test
    void aLateTickCountsNodeSecondsForTheWholeSpan() {
        UsageMeter meter = new UsageMeter("node-a", TEN, T0);
        List<UsageRecord> records = meter.close(Instant.parse("2026-12-07T10:00:35Z"), List.of("default"));
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.quantity()).isEqualTo(30);
            assertThat(r.periodEnd()).isEqualTo(Instant.parse("2026-12-07T10:00:30Z"));
        });
        // a second tick within the same period closes nothing new
        assertThat(meter.close(Instant.parse("2026-12-07T10:00:36Z"), List.of("default")))
                .isEmpty();
    }

    @Test
    void theSameMeasurementAlwaysHasTheSameRecordIdAndOtherMeasurementsOthers() {
        Instant start = Instant.parse("2026-12-07T10:00:00Z");
        UsageRecord a =
                UsageRecord.of("default", Optional.of("q"), UsageMetric.QUERIES, 5, start, start.plus(TEN), "node-a");
        UsageRecord again =
                UsageRecord.of("default", Optional.of("q"), UsageMetric.QUERIES, 6, start, start.plus(TEN), "node-a");
        assertThat(again.recordId()).isEqualTo(a.recordId());
        assertThat(List.of(
                        UsageRecord.of(
                                "default",
                                Optional.of("q"),
                                UsageMetric.QUERIES,
                                5,
                                start.plus(TEN),
                                start.plus(TEN).plus(TEN),
                                "node-a"),
                        UsageRecord.of(
                                "default", Optional.of("q"), UsageMetric.QUERIES, 5, start, start.plus(TEN), "node-b"),
                        UsageRecord.of(
                                "other", Optional.of("q"), UsageMetric.QUERIES, 5, start, start.plus(TEN), "node-a"),
                        UsageRecord.of(
                                "default", Optional.of("r"), UsageMetric.QUERIES, 5, start, start.plus(TEN), "node-a"),
                        UsageRecord.of(
                                "default", Optional.empty(), UsageMetric.QUERIES, 5, start, start.plus(TEN), "node-a"),
                        UsageRecord.of(
                                "default",
                                Optional.of("q"),
                                UsageMetric.FEATURES_COMPUTED,
                                5,
                                start,
                                start.plus(TEN),
                                "node-a")))
                .extracting(UsageRecord::recordId)
                .doesNotContain(a.recordId())
                .doesNotHaveDuplicates();
    }

    @Test
    void jsonRoundTripsAndRefusesAnotherSchemaVersion() {
        Instant start = Instant.parse("2026-12-07T10:00:00Z");
        UsageRecord r = UsageRecord.of(
                "default", Optional.empty(), UsageMetric.NODE_SECONDS, 10, start, start.plus(TEN), "node-a");
        byte[] json = UsageJson.encode(r);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .startsWith("{\"schema_version\":1,\"record_id\":\"" + r.recordId() + "\"")
                .contains(
                        "\"query_name\":null",
                        "\"metric\":\"node_seconds\"",
                        "\"period_start\":\"2026-12-07T10:00:00Z\"");
        assertThat(UsageJson.decode(json)).isEqualTo(r);
        assertThat(UsageJson.encode(UsageJson.decode(json))).isEqualTo(json);
        byte[] v2 = new String(json, StandardCharsets.UTF_8)
                .replace("\"schema_version\":1", "\"schema_version\":2")
                .getBytes(StandardCharsets.UTF_8);
        Assertions.assertThatThrownBy(() -> UsageJson.decode(v2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported schema_version 2");
    }
}
