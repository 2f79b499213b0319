package dev.slate.serving.featurelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureLogTest {
    @TempDir
    Path dir;

    static FeatureLogConfig fast(Path dir, int queueCapacity, long maxSpoolBytes) {
        return new FeatureLogConfig(
                dir,
                queueCapacity,
                maxSpoolBytes,
                64 * 1024,
                Duration.ofMillis(50),
                Duration.ofMillis(20),
                500,
                Duration.ofMillis(20),
                Duration.ofMillis(100));
    }

    @Test
    void shipsEveryOfferedValueInOrderExactlyOnce() throws Exception {
        RecordingOfflineStore store = new RecordingOfflineStore();
        try (FeatureLog log = new FeatureLog(fast(dir, 100_000, 1L << 30), store)) {
            for (int i = 0; i < 50; i++) {
                assertThat(log.offer(TestValues.range(i * 100L, i * 100L + 100)))
                        .isTrue();
            }
            await(() -> store.snapshot().size() == 5000);
            assertThat(store.snapshot()).containsExactlyElementsOf(TestValues.range(0, 5000));
            await(() -> log.stats().pendingBytes() < 64 * 1024 && log.stats().shippedValues() == 5000);
            FeatureLogStats stats = log.stats();
            assertThat(stats.acceptedValues()).isEqualTo(5000);
            assertThat(stats.spooledValues()).isEqualTo(5000);
            assertThat(stats.droppedValues()).isZero();
            assertThat(stats.lastShipError()).isEmpty();
            assertThat(stats.lastShippedAt()).isPresent();
        }
    }

    @Test
    void anUnavailableStoreGrowsTheBacklogAndLosesNothing() throws Exception {
        RecordingOfflineStore store = new RecordingOfflineStore();
        store.failing.set(true);
        try (FeatureLog log = new FeatureLog(fast(dir, 100_000, 1L << 30), store)) {
            assertThat(log.offer(TestValues.range(0, 3000))).isTrue();
            await(() -> store.failedCalls.get() >= 3);
            FeatureLogStats down = log.stats();
            assertThat(down.shippedValues()).isZero();
            assertThat(down.spooledValues()).isEqualTo(3000);
            assertThat(down.pendingBytes()).isGreaterThan(3000L * 20);
            assertThat(down.lastShipError())
                    .hasValueSatisfying(e -> assertThat(e).contains("offline store unavailable"));

            assertThat(log.offer(TestValues.range(3000, 4000))).isTrue();
            store.failing.set(false);
            await(() -> store.snapshot().size() == 4000);
            assertThat(store.snapshot()).containsExactlyElementsOf(TestValues.range(0, 4000));
            await(() -> log.stats().lastShipError().isEmpty());
        }
    }

    @Test
    void aFullQueueOrDiskBudgetDropsAndCountsInsteadOfBlocking() throws Exception {
        RecordingOfflineStore store = new RecordingOfflineStore();
        store.failing.set(true);
        // a budget of 4 KiB: the first batch fills it, later offers are refused at once
        try (FeatureLog log = new FeatureLog(fast(dir, 100_000, 4096), store)) {
            assertThat(log.offer(TestValues.range(0, 200))).isTrue();
            await(() -> log.stats().spooledValues() == 200);
            long start = System.nanoTime();
            assertThat(log.offer(TestValues.range(200, 300))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(log.stats().droppedValues()).isEqualTo(100);
        }
        try (FeatureLog small = new FeatureLog(fast(dir.resolve("q"), 10, 1L << 30), new RecordingOfflineStore())) {
            assertThat(small.offer(TestValues.range(0, 11))).isFalse();
            assertThat(small.stats().droppedValues()).isEqualTo(11);
        }
    }

    @Test
    void valuesSpooledBeforeAStopAreShippedByTheNextStart() throws Exception {
        RecordingOfflineStore down = new RecordingOfflineStore();
        down.failing.set(true);
        FeatureLog first = new FeatureLog(fast(dir, 100_000, 1L << 30), down);
        first.offer(TestValues.range(0, 700));
        first.close();
        assertThat(down.snapshot()).isEmpty();

        RecordingOfflineStore up = new RecordingOfflineStore();
        try (FeatureLog second = new FeatureLog(fast(dir, 100_000, 1L << 30), up)) {
            await(() -> up.snapshot().size() == 700);
            assertThat(up.snapshot()).containsExactlyElementsOf(TestValues.range(0, 700));
        }
    }

    static void await(BooleanSupplier condition) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }
}
