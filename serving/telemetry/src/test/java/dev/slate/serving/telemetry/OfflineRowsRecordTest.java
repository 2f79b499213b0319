package dev.slate.serving.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code offline_rows} records: one per succeeded job, identified by the job, in the period of its finish. */
class OfflineRowsRecordTest {

    private static final Duration PERIOD = Duration.ofSeconds(10);

    @Test
    void theRecordLiesInThePeriodOfTheFinishTime() {
        UsageRecord r = UsageRecord.offlineRows(
                "prod", "job-1", 1_000_000, Instant.parse("2026-12-07T10:00:17.250Z"), PERIOD, "n1");

        assertThat(r.metric()).isEqualTo(UsageMetric.OFFLINE_ROWS);
        assertThat(r.quantity()).isEqualTo(1_000_000);
        assertThat(r.queryName()).isEmpty();
        assertThat(r.periodStart()).isEqualTo(Instant.parse("2026-12-07T10:00:10Z"));
        assertThat(r.periodEnd()).isEqualTo(Instant.parse("2026-12-07T10:00:20Z"));
        assertThat(new String(UsageJson.encode(r), StandardCharsets.UTF_8))
                .contains("\"metric\":\"offline_rows\"")
                .contains("\"query_name\":null");
    }

    @Test
    void twoJobsInOnePeriodAreTwoRecordsAndOneJobIsAlwaysTheSameRecord() {
        Instant at = Instant.parse("2026-12-07T10:00:11Z");
        UsageRecord a = UsageRecord.offlineRows("prod", "job-1", 5, at, PERIOD, "n1");
        UsageRecord b = UsageRecord.offlineRows("prod", "job-2", 5, at, PERIOD, "n1");
        UsageRecord aAgain = UsageRecord.offlineRows("prod", "job-1", 5, at.plusSeconds(1), PERIOD, "n2");

        assertThat(a.recordId()).isNotEqualTo(b.recordId());
        assertThat(aAgain.recordId()).isEqualTo(a.recordId());
        assertThat(a.recordId())
                .isNotEqualTo(
                        UsageRecord.idOf("n1", "prod", Optional.empty(), UsageMetric.OFFLINE_ROWS, a.periodStart()));
    }
}
