package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BucketKeysTest {

    @Test
    void readsTheAggregationPartOfABucketKey() {
        assertThat(BucketKeys.aggregationOf("slate:aggmat:{user:i1}:b:spend@3f2a9c01b7de:493921"))
                .isEqualTo("spend@3f2a9c01b7de");
        assertThat(BucketKeys.aggregationOf("slate:aggmat:{transaction:i7}:r:user:spend@3f2a9c01b7de"))
                .isNull();
        assertThat(BucketKeys.userPattern("slate", "aggmat", 12)).isEqualTo("slate:aggmat:{user:i12}:b:*");
    }

    @Test
    void needsExactlyOneVersionOfEachAggregation() {
        BucketKeys keys =
                BucketKeys.fromNames("slate", "aggmat", 1, List.of("txn_count@aaaaaaaaaaaa", "spend@bbbbbbbbbbbb"));
        assertThat(keys.versions()).containsEntry("spend", "spend@bbbbbbbbbbbb");
        assertThatThrownBy(() -> BucketKeys.fromNames("slate", "aggmat", 1, List.of("spend@bbbbbbbbbbbb")))
                .hasMessageContaining("txn_count");
        assertThatThrownBy(() -> BucketKeys.fromNames(
                        "slate",
                        "aggmat",
                        1,
                        List.of("txn_count@aaaaaaaaaaaa", "txn_count@cccccccccccc", "spend@bbbbbbbbbbbb")))
                .hasMessageContaining("txn_count");
    }

    /** Slate reads the widest requested window of each aggregation: 7 x 24 buckets of txn_count, 30 x 24 of spend. */
    @Test
    void listsTheBucketsSlateReadsAtT() {
        BucketKeys keys = BucketKeys.fromNames("p", "aggmat", 1, List.of("txn_count@a", "spend@b"));
        Instant t = Instant.parse("2026-06-01T10:30:00Z");
        long k = t.getEpochSecond() / 3600;
        List<String> read = keys.keys(5, t);
        assertThat(read).hasSize(168 + 720);
        assertThat(read.getFirst()).isEqualTo("p:aggmat:{user:i5}:b:txn_count@a:" + (k - 167));
        assertThat(read.get(167)).isEqualTo("p:aggmat:{user:i5}:b:txn_count@a:" + k);
        assertThat(read.get(168)).isEqualTo("p:aggmat:{user:i5}:b:spend@b:" + (k - 719));
        assertThat(read.getLast()).isEqualTo("p:aggmat:{user:i5}:b:spend@b:" + k);
    }
}
