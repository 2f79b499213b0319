package dev.slate.serving.model.cel;

import dev.cel.common.values.NullValue;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.Values;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Converts between the canonical Java representation of feature values and CEL's native values
 * (Long, Double, String, Boolean, Instant, List). Everything else goes through {@link Values}.
 */
final class CelValues {
    private CelValues() {}

    /** A converter from a canonical value of {@code type} (non-null) to its CEL value. */
    static UnaryOperator<Object> toCel(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> v -> v instanceof Long ? v : Values.coerce(s, v);
                    case FLOAT -> v -> v instanceof Double ? v : Values.coerce(s, v);
                    case STRING -> v -> v instanceof String ? v : Values.coerce(s, v);
                    case BOOL -> v -> v instanceof Boolean ? v : Values.coerce(s, v);
                    case DATETIME -> v -> v instanceof Instant ? v : Values.toInstant(v);
                    case DATE ->
                        v -> ((LocalDate) (v instanceof LocalDate ? v : Values.coerce(s, v)))
                                .atStartOfDay(ZoneOffset.UTC)
                                .toInstant();
                };
            case FeatureType.ListOf l -> {
                if (!containsDate(l)) {
                    yield v -> v instanceof List<?> ? v : Values.coerce(l, v);
                }
                UnaryOperator<Object> element = toCel(l.element());
                yield v -> {
                    Collection<?> c = (Collection<?>) Values.coerce(l, v);
                    List<Object> out = new ArrayList<>(c.size());
                    for (Object e : c) {
                        out.add(e == null ? null : element.apply(e));
                    }
                    return out;
                };
            }
        };
    }

    private static boolean containsDate(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s -> s == FeatureType.Scalar.DATE;
            case FeatureType.ListOf l -> containsDate(l.element());
        };
    }

    /** Converts a CEL result to the canonical representation of {@code type}; CEL null is null. */
    static Object fromCel(FeatureType type, Object value) {
        if (value == null || value instanceof NullValue || value instanceof com.google.protobuf.NullValue) {
            return null;
        }
        return switch (type) {
            case FeatureType.Scalar s
            when s == FeatureType.Scalar.DATE && value instanceof Instant i -> LocalDate.ofInstant(i, ZoneOffset.UTC);
            case FeatureType.Scalar s -> Values.coerce(s, value);
            case FeatureType.ListOf l -> {
                if (!(value instanceof Collection<?> c)) {
                    yield Values.coerce(l, value);
                }
                List<Object> out = new ArrayList<>(c.size());
                for (Object e : c) {
                    out.add(fromCel(l.element(), e));
                }
                yield Collections.unmodifiableList(out);
            }
        };
    }
}
