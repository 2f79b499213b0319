package dev.slate.serving.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UsageDeliveryAuditTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final Duration PERIOD = Duration.ofSeconds(10);

    private static UsageRecord nodeSeconds(String node, int period) {
        Instant start = T0.plus(PERIOD.multipliedBy(period));
        return UsageRecord.of("prod", Optional.empty(), UsageMetric.NODE_SECONDS, 10, start, start.plus(PERIOD), node);
    }

    private static UsageRecord queries(int period, long n) {
        Instant start = T0.plus(PERIOD.multipliedBy(period));
        return UsageRecord.of(
                "prod", Optional.of("fraud_check"), UsageMetric.QUERIES, n, start, start.plus(PERIOD), "a");
    }

    private static List<UsageDeliveryAudit.OutboxEntry> outbox(UsageRecord... records) {
        List<UsageDeliveryAudit.OutboxEntry> out = new ArrayList<>();
        for (UsageRecord r : records) {
            out.add(new UsageDeliveryAudit.OutboxEntry(out.size() + 1, r, true));
        }
        return out;
    }

    private static UsageDeliveryAudit.Message sent(long offset, UsageRecord r) {
        return new UsageDeliveryAudit.Decoded(
                0, offset, r.environment(), Optional.of(r.recordId().toString()), r);
    }

    private static UsageDeliveryAudit.Report audit(
            List<UsageDeliveryAudit.OutboxEntry> outbox, List<UsageDeliveryAudit.Message> topic) {
        return UsageDeliveryAudit.compare(outbox, topic, r -> r.node().equals("a"), Set.of("prod"));
    }

    @Test
    void everyRecordDeliveredWithARepeatIsLosslessAndCountsTheRepeat() {
        UsageRecord s0 = nodeSeconds("a", 0);
        UsageRecord s1 = nodeSeconds("a", 1);
        UsageRecord q0 = queries(0, 40);
        UsageRecord q1 = queries(1, 2);

        UsageDeliveryAudit.Report r = audit(
                outbox(s0, q0, s1, q1),
                List.of(sent(0, s0), sent(1, q0), sent(2, s1), sent(3, q0), sent(4, q1), sent(5, nodeSeconds("b", 0))));

        assertThat(r.lossless()).isTrue();
        assertThat(r.outboxRecords()).isEqualTo(4);
        assertThat(r.delivered()).isEqualTo(4);
        assertThat(r.messages()).isEqualTo(5); // node b's record is out of scope
        assertThat(r.duplicates()).isEqualTo(Map.of(q0.recordId(), 2));
        assertThat(r.duplicateCopies()).isEqualTo(1);
        assertThat(r.queries()).isEqualTo(Map.of("prod", 42L));
    }

    @Test
    void aRecordOfTheOutboxMissingFromTheTopicIsALoss() {
        UsageRecord s0 = nodeSeconds("a", 0);
        UsageRecord q0 = queries(0, 40);

        UsageDeliveryAudit.Report r = audit(outbox(s0, q0), List.of(sent(0, s0)));

        assertThat(r.lossless()).isFalse();
        assertThat(r.missing()).containsExactly(q0.recordId());
        assertThat(r.delivered()).isEqualTo(1);
    }

    @Test
    void aRecordNotYetShippedIsNotLossless() {
        UsageRecord s0 = nodeSeconds("a", 0);
        List<UsageDeliveryAudit.OutboxEntry> rows = List.of(new UsageDeliveryAudit.OutboxEntry(1, s0, false));

        UsageDeliveryAudit.Report r = audit(rows, List.of(sent(0, s0)));

        assertThat(r.unshipped()).isEqualTo(1);
        assertThat(r.lossless()).isFalse();
    }

    @Test
    void aRepeatWithOtherContentDiffersAndAnIdTheOutboxNeverHeldIsUnexpected() {
        UsageRecord q0 = queries(0, 40);
        UsageRecord changed = new UsageRecord(
                q0.recordId(),
                q0.environment(),
                q0.queryName(),
                q0.metric(),
                41,
                q0.periodStart(),
                q0.periodEnd(),
                q0.node());
        UsageRecord stranger = queries(1, 1);

        UsageDeliveryAudit.Report r = audit(outbox(q0), List.of(sent(0, q0), sent(1, changed), sent(2, stranger)));

        assertThat(r.differing()).containsExactly(q0.recordId());
        assertThat(r.unexpected()).containsExactly(stranger.recordId());
        assertThat(r.delivered()).isZero();
        assertThat(r.lossless()).isFalse();
    }

    @Test
    void aMessageWhoseKeyOrHeaderDisagreesWithItsValueOrThatIsNoRecordIsMalformed() {
        UsageRecord s0 = nodeSeconds("a", 0);
        UsageRecord s1 = nodeSeconds("a", 1);
        UsageRecord s2 = nodeSeconds("a", 2);

        UsageDeliveryAudit.Report r = audit(
                outbox(s0, s1, s2),
                List.of(
                        new UsageDeliveryAudit.Decoded(
                                0, 0, "staging", Optional.of(s0.recordId().toString()), s0),
                        new UsageDeliveryAudit.Decoded(0, 1, "prod", Optional.empty(), s1),
                        sent(2, s2),
                        new UsageDeliveryAudit.Malformed(0, 3, "not JSON")));

        assertThat(r.malformed()).hasSize(3);
        assertThat(r.malformed().get(0)).contains("offset 0", "key 'staging'");
        assertThat(r.malformed().get(1)).contains("offset 1", "(missing)");
        assertThat(r.malformed().get(2)).contains("offset 3", "not JSON");
        assertThat(r.lossless()).isFalse();
    }

    @Test
    void aPeriodWithoutNodeSecondsIsAGapButALateTickSpanningPeriodsIsNot() {
        UsageRecord s0 = nodeSeconds("a", 0);
        UsageRecord late = UsageRecord.of(
                "prod",
                Optional.empty(),
                UsageMetric.NODE_SECONDS,
                20,
                T0.plus(PERIOD),
                T0.plus(PERIOD.multipliedBy(3)),
                "a");
        UsageRecord s4 = nodeSeconds("a", 4);

        assertThat(UsageDeliveryAudit.periodGaps(List.of(s0, late))).isEmpty();
        assertThat(UsageDeliveryAudit.periodGaps(List.of(s4, late, s0)))
                .containsExactly("prod: no node_seconds for [2026-12-07T10:00:30Z, 2026-12-07T10:00:40Z)");

        UsageDeliveryAudit.Report r = audit(outbox(s0, s4), List.of(sent(0, s0), sent(1, s4)));
        assertThat(r.missing()).isEmpty();
        assertThat(r.periodGaps()).hasSize(1);
        assertThat(r.deliveredAll()).isTrue();
        assertThat(r.lossless()).isFalse();

        // an environment not served throughout (deployed or removed during the run) is not checked for gaps
        UsageDeliveryAudit.Report other = UsageDeliveryAudit.compare(
                outbox(s0, s4), List.of(sent(0, s0), sent(1, s4)), rec -> true, Set.of("staging"));
        assertThat(other.periodGaps()).isEmpty();
        assertThat(other.lossless()).isTrue();
    }
}
