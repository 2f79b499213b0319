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

    /**
     * Slate reads the widest requested window of each aggregation, whole days as tiles: at 10:30, txn_count[7d] is 13
     * hourly buckets of the first day, 5 day tiles, the 24 buckets of yesterday (where the 1d window starts, at
     * 11:00) and 11 buckets of today; spend[30d] is 13 buckets, 29 day tiles and 11 buckets.
     */
    @Test
    void listsTheBucketsAndTilesSlateReadsAtT() {
        BucketKeys keys = BucketKeys.fromNames("p", "aggmat", 1, List.of("txn_count@a", "spend@b"));
        Instant t = Instant.parse("2026-06-01T10:30:00Z");
        long k = t.getEpochSecond() / 3600;
        long today = k / 24;
        List<String> read = keys.keys(5, t);
        assertThat(read).hasSize((13 + 5 + 24 + 11) + (13 + 29 + 11));
        assertThat(read.getFirst()).isEqualTo("p:aggmat:{user:i5}:b:txn_count@a:" + (k - 167));
        assertThat(read.get(13)).isEqualTo("p:aggmat:{user:i5}:t24:txn_count@a:" + (today - 6));
        assertThat(read.get(17)).isEqualTo("p:aggmat:{user:i5}:t24:txn_count@a:" + (today - 2));
        assertThat(read.get(18)).isEqualTo("p:aggmat:{user:i5}:b:txn_count@a:" + (today - 1) * 24);
        assertThat(read.get(52)).isEqualTo("p:aggmat:{user:i5}:b:txn_count@a:" + k);
        assertThat(read.get(53)).isEqualTo("p:aggmat:{user:i5}:b:spend@b:" + (k - 719));
        assertThat(read.get(53 + 13)).isEqualTo("p:aggmat:{user:i5}:t24:spend@b:" + (today - 29));
        assertThat(read.getLast()).isEqualTo("p:aggmat:{user:i5}:b:spend@b:" + k);
    }
}
