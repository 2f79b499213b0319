package dev.slate.serving.engine.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Feature-value statistics over rolling windows (docs/operations.md, "Feature-value monitoring"). */
class FeatureStatisticsTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:30Z");

    private final MutableClock clock = new MutableClock(T0);
    private final FeatureStatistics stats = new FeatureStatistics(clock, 3);

    @Test
    void numbersGiveCountNullRatioMinMaxMeanQuantilesAndDistinct() {
        List<ObservedValue> values = new ArrayList<>();
        for (long i = 1; i <= 1000; i++) {
            values.add(value("prod", "user", "age", FeatureType.Scalar.INT, i));
        }
        for (int i = 0; i < 250; i++) {
            values.add(value("prod", "user", "age", FeatureType.Scalar.INT, null));
        }
        stats.record(values);

        FeatureValueStats s =
                stats.stats("prod", "user.age", StatsWindow.FIVE_MINUTES).orElseThrow();
        assertThat(s.count()).isEqualTo(1250);
        assertThat(s.nulls()).isEqualTo(250);
        assertThat(s.nullRatio().getAsDouble()).isCloseTo(0.2, within(1e-12));
        FeatureValueStats.Numeric n = s.numeric().orElseThrow();
        assertThat(n.count()).isEqualTo(1000);
        assertThat(n.min()).isEqualTo(1);
        assertThat(n.max()).isEqualTo(1000);
        assertThat(n.mean()).isCloseTo(500.5, within(1e-9));
        assertThat(n.quantile(0.5)).isCloseTo(500, within(25.0)); // KLL: within about 2 % of rank
        assertThat(n.quantile(0.99)).isCloseTo(990, within(25.0));
        assertThat(s.distinct()).isCloseTo(1000, within(50.0)); // HLL: within about 5 %
        assertThat(s.topValues()).isEmpty();
    }

    @Test
    void stringsGiveDistinctAndTopValues() {
        List<ObservedValue> values = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            values.add(value("prod", "user", "country", FeatureType.Scalar.STRING, "DE"));
        }
        for (int i = 0; i < 30; i++) {
            values.add(value("prod", "user", "country", FeatureType.Scalar.STRING, "FR"));
        }
        values.add(value("prod", "user", "country", FeatureType.Scalar.STRING, "IT"));
        stats.record(values);
        FeatureValueStats s =
                stats.stats("prod", "user.country", StatsWindow.ONE_HOUR).orElseThrow();
        assertThat(s.numeric()).isEmpty();
        assertThat(s.distinct()).isCloseTo(3, within(0.1));
        assertThat(s.topValues().get(0)).isEqualTo(Map.entry("DE", 60L));
        assertThat(s.topValues().get(1)).isEqualTo(Map.entry("FR", 30L));
        FeatureStatistics.Categorical c =
                stats.categories("prod", "user.country", StatsWindow.ONE_HOUR).orElseThrow();
        assertThat(c.total()).isEqualTo(91);
    }

    @Test
    void valuesLeaveTheFiveMinuteWindowBeforeTheHourWindow() {
        stats.record(List.of(value("prod", "user", "age", FeatureType.Scalar.INT, 10L)));
        clock.advance(Duration.ofMinutes(6));
        stats.record(List.of(value("prod", "user", "age", FeatureType.Scalar.INT, 20L)));

        FeatureValueStats five =
                stats.stats("prod", "user.age", StatsWindow.FIVE_MINUTES).orElseThrow();
        assertThat(five.count()).isEqualTo(1);
        assertThat(five.numeric().orElseThrow().mean()).isEqualTo(20);
        FeatureValueStats hour =
                stats.stats("prod", "user.age", StatsWindow.ONE_HOUR).orElseThrow();
        assertThat(hour.count()).isEqualTo(2);
        assertThat(hour.numeric().orElseThrow().mean()).isEqualTo(15);

        clock.advance(Duration.ofMinutes(61));
        assertThat(stats.stats("prod", "user.age", StatsWindow.ONE_HOUR)
                        .orElseThrow()
                        .count())
                .isZero();
    }

    /**
     * A value updates only its one-minute bucket; the hour window sees it through the one-minute bucket until that is
     * folded into its 5-minute bucket, then through the 5-minute bucket: never twice, never lost. Checked against a
     * brute force over every minute of 90 minutes, with gaps, for both windows.
     */
    @Test
    void foldedMinutesCountOnceInTheHourWindow() {
        List<long[]> recorded = new ArrayList<>(); // {epoch millis, value}
        Instant start = Instant.parse("2026-12-07T09:58:10Z");
        clock.set(start);
        for (int minute = 0; minute < 90; minute++) {
            if (minute % 7 == 3 || (minute >= 40 && minute < 52)) {
                clock.advance(Duration.ofMinutes(1)); // a gap: nothing recorded, nothing folded
                continue;
            }
            List<ObservedValue> values = new ArrayList<>();
            for (long v = 0; v <= minute % 4; v++) {
                long x = minute * 10L + v;
                values.add(value("prod", "user", "age", FeatureType.Scalar.INT, x));
                recorded.add(new long[] {clock.millis(), x});
            }
            stats.record(values);
            for (StatsWindow w : StatsWindow.values()) {
                long now = clock.millis();
                long bucket = w.bucket().toMillis();
                long from = (Math.floorDiv(now, bucket) - w.buckets() + 1) * bucket;
                long count = 0;
                long sum = 0;
                long max = Long.MIN_VALUE;
                for (long[] r : recorded) {
                    if (r[0] >= from && r[0] <= now) {
                        count++;
                        sum += r[1];
                        max = Math.max(max, r[1]);
                    }
                }
                FeatureValueStats s = stats.stats("prod", "user.age", w).orElseThrow();
                assertThat(s.count()).as("%s at minute %d", w, minute).isEqualTo(count);
                assertThat(s.numeric().orElseThrow().max())
                        .as("%s max at minute %d", w, minute)
                        .isEqualTo(max);
                assertThat(s.numeric().orElseThrow().mean() * count)
                        .as("%s sum at minute %d", w, minute)
                        .isCloseTo(sum, within(1e-6));
                assertThat(stats.numericSketch("prod", "user.age", w)
                                .orElseThrow()
                                .getN())
                        .as("%s sketch at minute %d", w, minute)
                        .isEqualTo(count);
            }
            clock.advance(Duration.ofMinutes(1));
        }
    }

    @Test
    void freshnessAddsTheAgesOfServedValues() {
        stats.served(
                "prod",
                "user.age",
                2,
                Duration.ofSeconds(30).toNanos(),
                Duration.ofSeconds(20).toNanos());
        stats.served(
                "prod",
                "user.age",
                1,
                Duration.ofSeconds(90).toNanos(),
                Duration.ofSeconds(90).toNanos());
        FeatureValueStats.Freshness f = stats.stats("prod", "user.age", StatsWindow.FIVE_MINUTES)
                .orElseThrow()
                .freshness();
        assertThat(f.served()).isEqualTo(3);
        assertThat(f.meanAgeSeconds().getAsDouble()).isCloseTo(40, within(1e-9));
        assertThat(f.maxAgeSeconds().getAsDouble()).isCloseTo(90, within(1e-9));
        clock.advance(Duration.ofMinutes(10));
        assertThat(stats.stats("prod", "user.age", StatsWindow.FIVE_MINUTES)
                        .orElseThrow()
                        .freshness()
                        .served())
                .isZero();
    }

    @Test
    void featuresBeyondTheBoundAreCountedNotTracked() {
        for (String f : List.of("a", "b", "c", "d", "e")) {
            stats.record(List.of(value("prod", "user", f, FeatureType.Scalar.INT, 1L)));
        }
        stats.record(List.of(value("test", "user", "a", FeatureType.Scalar.INT, 1L)));
        assertThat(stats.features("prod")).hasSize(3);
        assertThat(stats.features("test")).containsExactly("user.a");
        assertThat(stats.untracked()).isEqualTo(2);
        assertThat(stats.stats("prod", "user.e", StatsWindow.FIVE_MINUTES)).isEmpty();
    }

    private ObservedValue value(String env, String entity, String feature, FeatureType type, Object v) {
        return new ObservedValue(
                env,
                entity,
                EntityKey.of(1L),
                new FeatureSlot(feature, "v1", type),
                v,
                clock.instant(),
                Provenance.computed("q_test", "r", "d_test"));
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        void set(Instant t) {
            now = t;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
