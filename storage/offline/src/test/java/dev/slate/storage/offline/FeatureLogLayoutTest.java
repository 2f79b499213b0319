package dev.slate.storage.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Pins the examples of docs/specs/offline-store-iceberg.md. */
class FeatureLogLayoutTest {

    @Test
    void entityKeysAreEncodedAsSpecified() {
        assertThat(FeatureLogLayout.encodeKey(EntityKey.of(42L))).isEqualTo("i42");
        assertThat(FeatureLogLayout.encodeKey(EntityKey.of(-7L))).isEqualTo("i-7");
        assertThat(FeatureLogLayout.encodeKey(EntityKey.of("42"))).isEqualTo("s2:42");
        assertThat(FeatureLogLayout.encodeKey(EntityKey.of("1", "23"))).isEqualTo("s1:1s2:23");
        assertThat(FeatureLogLayout.encodeKey(EntityKey.of("12", "3"))).isEqualTo("s2:12s1:3");
        assertThat(FeatureLogLayout.encodeKey(EntityKey.of(7L, "日本"))).isEqualTo("i7s2:日本");
        assertThat(FeatureLogLayout.encodeKey(EntityKey.of("😀")))
                .as("length in code points")
                .isEqualTo("s1:😀");
        assertThat(FeatureLogLayout.encodeKey(EntityKey.of(""))).isEqualTo("s0:");
    }

    @Test
    void decodingAnEncodedKeyGivesTheKeyBack() {
        for (EntityKey key : List.of(
                EntityKey.of(42L),
                EntityKey.of(-7L),
                EntityKey.of(Long.MIN_VALUE),
                EntityKey.of("42"),
                EntityKey.of("1", "23"),
                EntityKey.of("12", "3"),
                EntityKey.of(7L, "日本"),
                EntityKey.of("😀s1:x"),
                EntityKey.of(""),
                EntityKey.of("i5", 3L, "s"),
                EntityKey.of(1L, 2L),
                EntityKey.of("a:b", "", "c"))) {
            assertThat(FeatureLogLayout.decodeKey(FeatureLogLayout.encodeKey(key)))
                    .as(key.toString())
                    .isEqualTo(key);
        }
        Assertions.assertThatThrownBy(() -> FeatureLogLayout.decodeKey("x1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachTypeHasItsValueColumn() {
        assertThat(FeatureLogLayout.valueColumn(FeatureType.Scalar.INT)).isEqualTo("value_int");
        assertThat(FeatureLogLayout.valueColumn(FeatureType.Scalar.DATETIME)).isEqualTo("value_datetime");
        assertThat(FeatureLogLayout.valueColumn(new FeatureType.ListOf(FeatureType.Scalar.INT)))
                .isEqualTo("value_list");
    }

    @Test
    void fieldIdsArePinned() {
        assertThat(FeatureLogLayout.duckDbFieldIds())
                .isEqualTo(
                        "{namespace: 1, entity: 2, entity_key: 3, feature: 4, feature_version: 5, "
                                + "value_type: 6, value_int: 7, value_float: 8, value_string: 9, value_bool: 10, value_datetime: 11, value_date: 12, "
                                + "value_list: 13, observed_at: 14, written_at: 15, write_seq: 16, source: 17, query_id: 18, resolver: 19, deployment_id: 20}");
        assertThat(FeatureLogLayout.SPEC.fields())
                .extracting(f -> f.name() + ":" + f.transform())
                .containsExactly("namespace:identity", "entity:identity", "feature:identity", "observed_day:day");
    }

    @Test
    void pathSegmentsAreSafe() {
        assertThat(FeatureLogLayout.pathSegment("txn_count[1d]")).isEqualTo("txn_count_1d_");
        assertThat(FeatureLogLayout.pathSegment("../x'y")).isEqualTo("___x_y");
        assertThat(FeatureLogLayout.pathSegment("")).isEqualTo("_");
    }
}
