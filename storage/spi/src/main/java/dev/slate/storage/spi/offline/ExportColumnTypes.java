package dev.slate.storage.spi.offline;

import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The one place that knows how feature values are typed in exported Parquet files (as DuckDB names the
 * types; the Parquet types follow): int → {@code BIGINT} (INT64), float → {@code DOUBLE}, string →
 * {@code VARCHAR} (UTF-8), bool → {@code BOOLEAN}, datetime → {@code TIMESTAMPTZ} (INT64 timestamp,
 * microseconds, adjusted to UTC), date → {@code DATE}, list&lt;T&gt; → a LIST of T's type.
 */
public final class ExportColumnTypes {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

    private ExportColumnTypes() {}

    /** The DuckDB type of an exported column of {@code type}, e.g. {@code BIGINT} or {@code VARCHAR[][]}. */
    public static String duckDbType(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> "BIGINT";
                    case FLOAT -> "DOUBLE";
                    case STRING -> "VARCHAR";
                    case BOOL -> "BOOLEAN";
                    case DATETIME -> "TIMESTAMPTZ";
                    case DATE -> "DATE";
                };
            case FeatureType.ListOf l -> duckDbType(l.element()) + "[]";
        };
    }

    /**
     * A JSON text of a list value that DuckDB turns into the exported list type with
     * {@code CAST(CAST(text AS JSON) AS <duckDbType>)}: numbers as JSON numbers (and {@code NaN},
     * {@code Infinity}, which DuckDB accepts), datetimes as {@code "yyyy-MM-dd HH:mm:ss.ffffff+00"}, dates
     * as ISO dates.
     */
    public static String listJson(FeatureType.ListOf type, List<?> value) {
        StringBuilder sb = new StringBuilder();
        appendJson(sb, type, value);
        return sb.toString();
    }

    /** {@link #listJson} of a list in {@link ValueCodec}'s text encoding. */
    public static String listJsonOfEncoded(FeatureType.ListOf type, String encoded) {
        return listJson(type, (List<?>) ValueCodec.decode(type, encoded));
    }

    private static void appendJson(StringBuilder sb, FeatureType type, Object value) {
        if (value == null) {
            sb.append("null");
            return;
        }
        switch (type) {
            case FeatureType.Scalar s -> {
                switch (s) {
                    case INT -> sb.append((long) (Long) value);
                    case FLOAT -> sb.append(Double.toString((Double) value));
                    case BOOL -> sb.append((boolean) (Boolean) value);
                    case STRING -> appendString(sb, (String) value);
                    case DATETIME ->
                        sb.append('"')
                                .append(LocalDateTime.ofInstant((Instant) value, ZoneOffset.UTC)
                                        .format(TIMESTAMP))
                                .append("+00\"");
                    case DATE -> sb.append('"').append((LocalDate) value).append('"');
                }
            }
            case FeatureType.ListOf l -> {
                sb.append('[');
                boolean first = true;
                for (Object element : (List<?>) value) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    appendJson(sb, l.element(), element);
                }
                sb.append(']');
            }
        }
    }

    private static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
