package dev.slate.storage.testing;

import dev.slate.storage.spi.FeatureType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Values of every feature type, chosen to break naive encodings (separators, signs, precision). */
public final class ContractValues {

    public static final FeatureType INT = FeatureType.Scalar.INT;
    public static final FeatureType FLOAT = FeatureType.Scalar.FLOAT;
    public static final FeatureType STRING = FeatureType.Scalar.STRING;
    public static final FeatureType BOOL = FeatureType.Scalar.BOOL;
    public static final FeatureType DATETIME = FeatureType.Scalar.DATETIME;
    public static final FeatureType DATE = FeatureType.Scalar.DATE;
    public static final FeatureType LIST_INT = new FeatureType.ListOf(INT);
    public static final FeatureType LIST_STRING = new FeatureType.ListOf(STRING);
    public static final FeatureType LIST_FLOAT = new FeatureType.ListOf(FLOAT);
    public static final FeatureType LIST_LIST_INT = new FeatureType.ListOf(LIST_INT);

    /** Every type the contract covers. */
    public static final List<FeatureType> ALL_TYPES =
            List.of(INT, FLOAT, STRING, BOOL, DATETIME, DATE, LIST_INT, LIST_STRING, LIST_FLOAT, LIST_LIST_INT);

    private ContractValues() {}

    /** (type, value) pairs that every store must round-trip unchanged. */
    public static Stream<Arguments> typedValues() {
        return Stream.of(
                Arguments.of(INT, 0L),
                Arguments.of(INT, 42L),
                Arguments.of(INT, -7L),
                Arguments.of(INT, Long.MAX_VALUE),
                Arguments.of(INT, Long.MIN_VALUE),
                Arguments.of(FLOAT, 0.25),
                Arguments.of(FLOAT, -1.5),
                Arguments.of(FLOAT, -0.0),
                Arguments.of(FLOAT, Double.NaN),
                Arguments.of(FLOAT, Double.POSITIVE_INFINITY),
                Arguments.of(FLOAT, Double.NEGATIVE_INFINITY),
                Arguments.of(FLOAT, Double.MAX_VALUE),
                Arguments.of(FLOAT, -1.0e300),
                Arguments.of(FLOAT, Double.MIN_VALUE),
                Arguments.of(FLOAT, 0.1 + 0.2),
                Arguments.of(STRING, "hello"),
                Arguments.of(STRING, ""),
                Arguments.of(STRING, "a:b|c"),
                Arguments.of(STRING, "|"),
                Arguments.of(STRING, ":"),
                Arguments.of(STRING, "n"),
                Arguments.of(STRING, "v"),
                Arguments.of(STRING, "~"),
                Arguments.of(STRING, "3:abc"),
                Arguments.of(STRING, "{tag}%3A@*?[x]\\"),
                Arguments.of(STRING, "line1\nline2\ttab\u0000nul"),
                Arguments.of(STRING, "Grüße, 日本語, emoji 😀"),
                Arguments.of(BOOL, true),
                Arguments.of(BOOL, false),
                Arguments.of(DATETIME, Instant.parse("2026-01-01T00:00:00Z")),
                Arguments.of(DATETIME, Instant.parse("2026-03-04T05:06:07.123456Z")),
                Arguments.of(DATETIME, Instant.parse("1969-12-31T23:59:59.999999Z")),
                Arguments.of(DATETIME, Instant.parse("1900-01-01T00:00:00.000001Z")),
                Arguments.of(DATETIME, Instant.parse("9999-12-31T23:59:59.999999Z")),
                Arguments.of(DATE, LocalDate.of(2026, 1, 1)),
                Arguments.of(DATE, LocalDate.of(1900, 2, 28)),
                Arguments.of(DATE, LocalDate.of(2024, 2, 29)),
                Arguments.of(LIST_INT, List.of(1L, 2L, 3L)),
                Arguments.of(LIST_INT, List.of()),
                Arguments.of(LIST_INT, Arrays.asList(null, -5L, null)),
                Arguments.of(LIST_STRING, Arrays.asList("a", null, "", "b:c", "~", "3:x", "日本", "|")),
                Arguments.of(LIST_STRING, List.of("")),
                Arguments.of(LIST_FLOAT, Arrays.asList(Double.NaN, -0.0, null, 1.0e-300)),
                Arguments.of(
                        LIST_LIST_INT, Arrays.asList(List.of(1L, 2L), List.of(), Arrays.asList((Long) null), null)),
                Arguments.of(LIST_LIST_INT, List.of()));
    }

    /** Observation times that break naive encodings: before 1970, far future, digit-count boundaries. */
    public static Stream<Instant> observationTimes() {
        return Stream.of(
                Instant.EPOCH,
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-03-04T05:06:07.123456Z"),
                Instant.parse("1970-01-01T00:00:00.999999Z"),
                Instant.parse("1970-01-01T00:00:01Z"),
                Instant.parse("1969-12-31T23:59:59.999999Z"),
                Instant.parse("1900-01-01T00:00:00.000001Z"),
                Instant.parse("9999-12-31T23:59:59.999999Z"));
    }

    /** A value of {@code type} that differs for different {@code seed}s. */
    public static Object sample(FeatureType type, int seed) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> (long) seed * 1_000_003L - 17;
                    case FLOAT -> seed / 8.0 - 3.0;
                    case STRING -> "s:" + seed + "|{" + seed + "}";
                    case BOOL -> seed % 2 == 0;
                    case DATETIME -> Instant.parse("2026-01-01T00:00:00Z").plusNanos(seed * 1_001_000L);
                    case DATE -> LocalDate.of(2020, 1, 1).plusDays(seed);
                };
            case FeatureType.ListOf l -> Arrays.asList(sample(l.element(), seed), null, sample(l.element(), seed + 1));
        };
    }
}
