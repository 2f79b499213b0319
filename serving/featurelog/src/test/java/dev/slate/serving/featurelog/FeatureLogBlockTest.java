package dev.slate.serving.featurelog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values offered as one query's block, encoded on the offering thread (docs/specs/feature-log.md). */
class FeatureLogBlockTest {

    @TempDir
    Path dir;

    private static final Instant T = Instant.parse("2026-11-01T12:00:00.123456Z");

    /** One feature of every type, with its values for keys k: some null, some awkward. */
    private record Feature(String entity, FeatureSlot slot, String resolver) {}

    private static final List<Feature> FEATURES = List.of(
            new Feature("user", new FeatureSlot("age", "v1", FeatureType.Scalar.INT), "profile"),
            new Feature("user", new FeatureSlot("score", "v2", FeatureType.Scalar.FLOAT), "scoring"),
            new Feature("user", new FeatureSlot("name", "v3", FeatureType.Scalar.STRING), "profile"),
            new Feature("user", new FeatureSlot("vip", "v4", FeatureType.Scalar.BOOL), "expression"),
            new Feature("user", new FeatureSlot("seen", "v5", FeatureType.Scalar.DATETIME), "profile"),
            new Feature("user", new FeatureSlot("born", "v6", FeatureType.Scalar.DATE), "profile"),
            new Feature(
                    "user",
                    new FeatureSlot("tags", "v7", new FeatureType.ListOf(FeatureType.Scalar.STRING)),
                    "profile"),
            new Feature("device", new FeatureSlot("model", "v8", FeatureType.Scalar.STRING), "devices"));

    private static Object value(int feature, long k) {
        if (k % 11 == 3) {
            return null;
        }
        return switch (feature) {
            case 0 -> k * 1_000_003L - 7;
            case 1 -> k % 13 == 0 ? Double.NaN : k % 17 == 0 ? -0.0 : k / 3.0;
            case 2 -> k % 5 == 0 ? "Zoë \"quoted\", comma\nnew line ✓" : "n" + k;
            case 3 -> k % 2 == 0;
            case 4 -> T.plusSeconds(k).plusNanos(1000);
            case 5 -> LocalDate.of(1970, 1, 1).plusDays(k - 500);
            case 6 -> List.of("a" + k, "", "✓");
            case 7 -> "m" + k;
            default -> throw new IllegalArgumentException();
        };
    }

    private static Object key(int feature, long k) {
        return feature == 7 ? "dev-" + k : k;
    }

    /** What the offline store must receive for keys [from, to) of one query, feature by feature. */
    private static List<ObservedValue> expected(String queryId, long from, long to) {
        List<ObservedValue> out = new ArrayList<>();
        for (int f = 0; f < FEATURES.size(); f++) {
            Feature feature = FEATURES.get(f);
            for (long k = from; k < to; k++) {
                out.add(new ObservedValue(
                        "prod",
                        feature.entity(),
                        EntityKey.of(key(f, k)),
                        feature.slot(),
                        value(f, k),
                        T.plusMillis(k),
                        Provenance.computed(queryId, feature.resolver(), "dep-1")));
            }
        }
        return out;
    }

    private static boolean offer(FeatureLog log, String queryId, long from, long to) {
        return log.offer("prod", "dep-1", queryId, block -> {
            for (int f = 0; f < FEATURES.size(); f++) {
                Feature feature = FEATURES.get(f);
                int index = block.feature(feature.entity(), feature.slot(), feature.resolver());
                for (long k = from; k < to; k++) {
                    block.value(index, key(f, k), value(f, k), T.plusMillis(k));
                }
            }
        });
    }

    @Test
    void everyTypeAndKeyArrivesAsItWasOfferedInOrder() throws Exception {
        RecordingOfflineStore store = new RecordingOfflineStore();
        try (FeatureLog log = new FeatureLog(FeatureLogTest.fast(dir, 100_000, 1L << 30), store)) {
            assertThat(offer(log, "q_1", 1, 40)).isTrue();
            assertThat(offer(log, "q_2", 40, 100)).isTrue();
            List<ObservedValue> want = new ArrayList<>(expected("q_1", 1, 40));
            want.addAll(expected("q_2", 40, 100));
            await(() -> store.snapshot().size() == want.size());
            assertThat(store.snapshot())
                    .usingElementComparator(FeatureLogBlockTest::compare)
                    .containsExactlyElementsOf(want);
            FeatureLogStats stats = log.stats();
            assertThat(stats.acceptedValues()).isEqualTo(want.size());
            assertThat(stats.spooledValues()).isEqualTo(want.size());
            assertThat(stats.droppedValues()).isZero();
        }
    }

    @Test
    void aBlockLargerThanOneRecordIsSplitAndArrivesWhole() throws Exception {
        RecordingOfflineStore store = new RecordingOfflineStore();
        try (FeatureLog log = new FeatureLog(FeatureLogTest.fast(dir, 1_000_000, 1L << 30), store)) {
            assertThat(offer(log, "q_big", 0, 3_000)).isTrue(); // 24,000 values, about 1 MB: many records
            List<ObservedValue> want = expected("q_big", 0, 3_000);
            await(() -> store.snapshot().size() == want.size());
            assertThat(store.snapshot())
                    .usingElementComparator(FeatureLogBlockTest::compare)
                    .containsExactlyElementsOf(want);
        }
    }

    @Test
    void aFullQueueDropsWholeRecordsAndCountsThem() throws Exception {
        RecordingOfflineStore store = new RecordingOfflineStore();
        try (FeatureLog log = new FeatureLog(FeatureLogTest.fast(dir, 100, 1L << 30), store)) {
            assertThat(offer(log, "q_small", 0, 5)).isTrue(); // 40 values
            assertThat(offer(log, "q_too_big", 0, 20)).isFalse(); // 160 values: more than the queue takes
            assertThat(log.stats().droppedValues()).isEqualTo(160);
            await(() -> store.snapshot().size() == 40);
            assertThat(store.snapshot())
                    .usingElementComparator(FeatureLogBlockTest::compare)
                    .containsExactlyElementsOf(expected("q_small", 0, 5));
        }
    }

    @Test
    void aFailingProducerLosesOnlyItsOwnUnsealedValues() throws Exception {
        RecordingOfflineStore store = new RecordingOfflineStore();
        try (FeatureLog log = new FeatureLog(FeatureLogTest.fast(dir, 100_000, 1L << 30), store)) {
            try {
                log.offer("prod", "dep-1", "q_bad", block -> {
                    int f = block.feature("user", FEATURES.get(0).slot(), "profile");
                    block.value(f, 1L, "not a long", T);
                });
            } catch (ClassCastException expected) {
                // the encoder refuses a value that is not in canonical form; the next block starts clean
            }
            assertThat(offer(log, "q_ok", 0, 3)).isTrue();
            await(() -> store.snapshot().size() == 24);
            assertThat(store.snapshot())
                    .usingElementComparator(FeatureLogBlockTest::compare)
                    .containsExactlyElementsOf(expected("q_ok", 0, 3));
        }
    }

    /** Equal observations; NaN equals NaN and -0.0 differs from 0.0, as the bits are kept. */
    private static int compare(ObservedValue a, ObservedValue b) {
        boolean same = a.namespace().equals(b.namespace())
                && a.entity().equals(b.entity())
                && a.key().equals(b.key())
                && a.slot().equals(b.slot())
                && a.observedAt().equals(b.observedAt())
                && a.provenance().equals(b.provenance())
                && (a.value() instanceof Double x && b.value() instanceof Double y
                        ? Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y)
                        : Objects.equals(a.value(), b.value()));
        return same ? 0 : Arrays.asList(a.toString(), b.toString()).hashCode() | 1;
    }

    private static void await(BooleanSupplier condition) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(condition::getAsBoolean);
    }
}
