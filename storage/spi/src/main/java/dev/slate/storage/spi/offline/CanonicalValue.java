package dev.slate.storage.spi.offline;

import dev.slate.storage.spi.FeatureType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Checks that a value is in the canonical Java representation of its {@link FeatureType} (see there). */
final class CanonicalValue {

    private CanonicalValue() {}

    /**
     * Returns {@code value} unchanged, except that datetimes (also inside lists) are truncated to
     * microseconds; fails with an {@link IllegalArgumentException} naming the expected type otherwise.
     */
    static Object require(FeatureType type, Object value) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> expect(s, value, value instanceof Long);
                    case FLOAT -> expect(s, value, value instanceof Double);
                    case STRING -> expect(s, value, value instanceof String);
                    case BOOL -> expect(s, value, value instanceof Boolean);
                    case DATETIME -> {
                        expect(s, value, value instanceof Instant);
                        yield OfflineTimes.requireInRange((Instant) value, "datetime value");
                    }
                    case DATE -> expect(s, value, value instanceof LocalDate);
                };
            case FeatureType.ListOf l -> {
                expect(l, value, value instanceof List<?>);
                List<?> list = (List<?>) value;
                List<Object> out = new ArrayList<>(list.size());
                for (Object element : list) {
                    out.add(require(l.element(), element));
                }
                yield Collections.unmodifiableList(out);
            }
        };
    }

    private static Object expect(FeatureType type, Object value, boolean ok) {
        if (!ok) {
            throw new IllegalArgumentException("expected a " + type.spelling() + " value, got "
                    + value.getClass().getName());
        }
        return value;
    }
}
