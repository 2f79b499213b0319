package dev.slate.storage.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The one place that converts loosely typed values (JSON numbers, strings, JDBC objects) to the
 * canonical Java representation of a {@link FeatureType}. Every conversion failure is a
 * {@link ValueConversionException} with a message fit for an API error.
 */
public final class Values {

    private Values() {}

    /** Converts {@code raw} to the canonical representation of {@code type}; null stays null. */
    public static Object coerce(FeatureType type, Object raw) {
        if (raw == null) {
            return null;
        }
        return switch (type) {
            case FeatureType.Scalar s -> coerceScalar(s, raw);
            case FeatureType.ListOf l -> {
                if (!(raw instanceof Collection<?> c)) {
                    if (raw instanceof Object[] arr) {
                        yield coerceList(l, List.of(arr));
                    }
                    throw mismatch(type, raw);
                }
                yield coerceList(l, c);
            }
        };
    }

    private static List<Object> coerceList(FeatureType.ListOf l, Collection<?> c) {
        List<Object> out = new ArrayList<>(c.size());
        for (Object e : c) {
            out.add(coerce(l.element(), e));
        }
        return Collections.unmodifiableList(out);
    }

    private static Object coerceScalar(FeatureType.Scalar s, Object raw) {
        switch (s) {
            case INT -> {
                if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
                    return ((Number) raw).longValue();
                }
                if (raw instanceof BigInteger bi) {
                    try {
                        return bi.longValueExact();
                    } catch (ArithmeticException e) {
                        throw mismatch(s, raw);
                    }
                }
                if (raw instanceof BigDecimal bd) {
                    try {
                        return bd.longValueExact();
                    } catch (ArithmeticException e) {
                        throw mismatch(s, raw);
                    }
                }
                if (raw instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.0e15) {
                    return d.longValue();
                }
                if (raw instanceof String str) {
                    try {
                        return Long.parseLong(str.strip());
                    } catch (NumberFormatException e) {
                        throw mismatch(s, raw);
                    }
                }
                throw mismatch(s, raw);
            }
            case FLOAT -> {
                if (raw instanceof Number n) {
                    return n.doubleValue();
                }
                if (raw instanceof String str) {
                    try {
                        return Double.parseDouble(str.strip());
                    } catch (NumberFormatException e) {
                        throw mismatch(s, raw);
                    }
                }
                throw mismatch(s, raw);
            }
            case STRING -> {
                if (raw instanceof String str) {
                    return str;
                }
                if (raw instanceof Number || raw instanceof Boolean || raw instanceof Character) {
                    return raw.toString();
                }
                throw mismatch(s, raw);
            }
            case BOOL -> {
                if (raw instanceof Boolean b) {
                    return b;
                }
                if (raw instanceof String str && (str.equals("true") || str.equals("false"))) {
                    return Boolean.parseBoolean(str);
                }
                throw mismatch(s, raw);
            }
            case DATETIME -> {
                return toInstant(raw);
            }
            case DATE -> {
                if (raw instanceof LocalDate d) {
                    return d;
                }
                if (raw instanceof Date d) {
                    return d.toLocalDate();
                }
                if (raw instanceof String str) {
                    try {
                        return LocalDate.parse(str.strip());
                    } catch (DateTimeParseException e) {
                        throw mismatch(s, raw);
                    }
                }
                throw mismatch(s, raw);
            }
        }
        throw mismatch(s, raw);
    }

    /**
     * Parses a point in time: an {@link Instant}, an ISO-8601 string with offset or zone
     * (converted to UTC), or a local date-time string (taken as UTC).
     */
    public static Instant toInstant(Object raw) {
        if (raw instanceof Instant i) {
            return i;
        }
        if (raw instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (raw instanceof ZonedDateTime z) {
            return z.toInstant();
        }
        if (raw instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        if (raw instanceof Timestamp t) {
            return t.toInstant();
        }
        if (raw instanceof String str) {
            String t = str.strip();
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return ZonedDateTime.parse(t).toInstant();
                } catch (DateTimeParseException e2) {
                    try {
                        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
                    } catch (DateTimeParseException e3) {
                        throw new ValueConversionException(
                                "'" + abbreviate(str) + "' is not an ISO-8601 date-time (e.g. 2026-01-01T00:00:00Z)");
                    }
                }
            }
        }
        throw new ValueConversionException("expected an ISO-8601 date-time, got " + describe(raw));
    }

    private static ValueConversionException mismatch(FeatureType type, Object raw) {
        return new ValueConversionException("expected " + type.spelling() + ", got " + describe(raw));
    }

    /** A short description of a value for error messages: its JSON-ish kind and an abbreviated text. */
    public static String describe(Object raw) {
        if (raw == null) {
            return "null";
        }
        String kind = switch (raw) {
            case String ignored -> "string";
            case Boolean ignored -> "bool";
            case Long ignored -> "int";
            case Integer ignored -> "int";
            case BigInteger ignored -> "int";
            case Number ignored -> "number";
            case Collection<?> ignored -> "list";
            case Map<?, ?> ignored -> "object";
            default -> raw.getClass().getSimpleName();
        };
        if (raw instanceof Collection<?> || raw instanceof Map<?, ?>) {
            return kind;
        }
        return kind + " "
                + (raw instanceof String ? "'" + abbreviate(raw.toString()) + "'" : abbreviate(raw.toString()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
