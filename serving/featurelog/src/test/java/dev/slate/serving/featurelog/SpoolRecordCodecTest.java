package dev.slate.serving.featurelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SourceKind;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpoolRecordCodecTest {

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of(FeatureType.Scalar.INT, Long.MIN_VALUE),
                Arguments.of(FeatureType.Scalar.FLOAT, -0.0),
                Arguments.of(FeatureType.Scalar.FLOAT, Double.NaN),
                Arguments.of(FeatureType.Scalar.STRING, "naïve | 日本 : @ \u0000 end"),
                Arguments.of(FeatureType.Scalar.STRING, ""),
                Arguments.of(FeatureType.Scalar.BOOL, true),
                Arguments.of(FeatureType.Scalar.DATETIME, Instant.parse("1969-12-31T23:59:59.999999Z")),
                Arguments.of(FeatureType.Scalar.DATE, LocalDate.of(2026, 2, 28)),
                Arguments.of(new FeatureType.ListOf(FeatureType.Scalar.STRING), Arrays.asList("a", null, "", "b:c")),
                Arguments.of(
                        new FeatureType.ListOf(new FeatureType.ListOf(FeatureType.Scalar.INT)),
                        List.of(List.of(1L, 2L), List.of())),
                Arguments.of(FeatureType.Scalar.INT, null));
    }

    @ParameterizedTest
    @MethodSource("values")
    void roundTripsEveryType(FeatureType type, Object value) {
        ObservedValue v = new ObservedValue(
                "prod",
                "user",
                EntityKey.of(42L),
                new FeatureSlot("f", "ver", type),
                value,
                Instant.parse("2026-11-01T00:00:00.000001Z"),
                Provenance.computed("q_1", "profile", "dep"));
        ObservedValue back = SpoolRecordCodec.decode(SpoolRecordCodec.encode(v));
        assertThat(back).isEqualTo(v);
    }

    @Test
    void keepsCompositeKeyPartsApartAndProvenance() {
        ObservedValue a = new ObservedValue(
                "p",
                "e",
                EntityKey.of("1", "23"),
                TestValues.SCORE,
                1L,
                TestValues.T0,
                new Provenance(SourceKind.INGESTED, Optional.empty(), Optional.of("upload"), Optional.empty()));
        ObservedValue b = new ObservedValue(
                "p", "e", EntityKey.of("12", "3"), TestValues.SCORE, 1L, TestValues.T0, Provenance.ingested());
        assertThat(SpoolRecordCodec.decode(SpoolRecordCodec.encode(a))).isEqualTo(a);
        assertThat(SpoolRecordCodec.decode(SpoolRecordCodec.encode(b)).key()).isEqualTo(EntityKey.of("12", "3"));
        assertThat(SpoolRecordCodec.encode(a)).isNotEqualTo(SpoolRecordCodec.encode(b));
        ObservedValue mixed = new ObservedValue(
                "p", "e", EntityKey.of(7L, "7"), TestValues.SCORE, 1L, TestValues.T0, Provenance.ingested());
        assertThat(SpoolRecordCodec.decode(SpoolRecordCodec.encode(mixed)).key().parts())
                .containsExactly(7L, "7");
    }

    @Test
    void rejectsTruncatedAndTrailingBytes() {
        byte[] good = SpoolRecordCodec.encode(TestValues.numbered(3));
        assertThatThrownBy(() -> SpoolRecordCodec.decode(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> SpoolRecordCodec.decode(Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(CorruptRecordException.class);
        byte[] badLength = good.clone();
        badLength[0] = 0x7f;
        assertThatThrownBy(() -> SpoolRecordCodec.decode(badLength)).isInstanceOf(CorruptRecordException.class);
    }
}
