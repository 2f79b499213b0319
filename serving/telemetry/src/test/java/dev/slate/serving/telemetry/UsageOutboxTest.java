package dev.slate.serving.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox against the real PostgreSQL, in a schema of its own. */
class UsageOutboxTest {

    private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");
    private OutboxSchema db;
    private UsageOutbox outbox;

    @BeforeEach
    void schema() throws Exception {
        db = new OutboxSchema();
        outbox = new UsageOutbox(db.dataSource);
    }

    @AfterEach
    void drop() throws Exception {
        db.close();
    }

    static List<UsageRecord> records(int n, Instant from) {
        List<UsageRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant start = from.plusSeconds(10L * i);
            out.add(UsageRecord.of(
                    "default", Optional.of("q"), UsageMetric.QUERIES, i + 1, start, start.plusSeconds(10), "node-a"));
        }
        return out;
    }

    @Test
    void writingTheSameRecordsTwiceStoresThemOnce() {
        List<UsageRecord> batch = records(5, T);
        assertThat(outbox.append(batch)).isEqualTo(5);
        assertThat(outbox.append(batch)).isZero();
        assertThat(outbox.backlog()).isEqualTo(5);
        assertThat(outbox.unshipped(10)).extracting(UsageOutbox.Row::record).containsExactlyElementsOf(batch);
    }

    @Test
    void shippedRecordsLeaveTheBacklogAndStayForExportUntilPurged() throws Exception {
        outbox.append(records(6, T));
        List<UsageOutbox.Row> first = outbox.unshipped(4);
        assertThat(first).hasSize(4);
        outbox.markShipped(first.stream().map(UsageOutbox.Row::id).toList(), T.plusSeconds(100));
        assertThat(outbox.backlog()).isEqualTo(2);
        assertThat(outbox.unshipped(10)).extracting(r -> r.record().quantity()).containsExactly(5L, 6L);

        // an export reads shipped and unshipped records by period, page by page
        List<UsageOutbox.Row> page1 = outbox.between(T, T.plusSeconds(60), 0, 3);
        List<UsageOutbox.Row> page2 =
                outbox.between(T, T.plusSeconds(60), page1.get(2).id(), 3);
        assertThat(page1).hasSize(3);
        assertThat(page2).extracting(r -> r.record().quantity()).containsExactly(4L, 5L, 6L);
        assertThat(outbox.between(T.plusSeconds(20), T.plusSeconds(40), 0, 10))
                .extracting(r -> r.record().quantity())
                .containsExactly(3L, 4L);

        // purge removes old shipped records only, unless told to take unshipped ones as well
        assertThat(outbox.purge(T.plus(Duration.ofMinutes(10)), false)).isEqualTo(4);
        assertThat(db.count("true")).isEqualTo(2);
        assertThat(outbox.purge(T.plus(Duration.ofMinutes(10)), true)).isEqualTo(2);
        assertThat(db.count("true")).isZero();
    }

    @Test
    void recordsWrittenInTheCallersTransactionRollBackWithIt() throws Exception {
        try (Connection c = db.dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThat(UsageOutbox.append(c, records(3, T))).isEqualTo(3);
            c.rollback();
            UsageOutbox.append(c, records(2, T.plusSeconds(1000)));
            c.commit();
        }
        assertThat(outbox.backlog()).isEqualTo(2);
    }
}
