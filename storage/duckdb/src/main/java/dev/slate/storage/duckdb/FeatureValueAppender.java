package dev.slate.storage.duckdb;

import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.ExportColumnTypes;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.duckdb.DuckDBAppender;

/**
 * Appends one feature value to a DuckDB Appender row in the column type {@link ExportColumnTypes#duckDbType}
 * gives its feature type, except lists, which are appended as their JSON text (cast to the list type in SQL).
 */
public final class FeatureValueAppender {

    private FeatureValueAppender() {}

    /** Appends {@code value} (null, or the Java type {@link FeatureType} holds: Long, Double, String, Boolean, Instant, LocalDate, List). */
    public static void append(DuckDBAppender appender, FeatureType type, Object value) throws SQLException {
        if (value == null) {
            appender.appendNull();
            return;
        }
        switch (type) {
            case FeatureType.Scalar s -> {
                switch (s) {
                    case INT -> appender.append((long) (Long) value);
                    case FLOAT -> appender.append((double) (Double) value);
                    case STRING -> appender.append((String) value);
                    case BOOL -> appender.append((boolean) (Boolean) value);
                    case DATETIME -> appender.appendEpochMicros(ValueCodec.toEpochMicros((Instant) value));
                    case DATE -> appender.appendEpochDays(Math.toIntExact(((LocalDate) value).toEpochDay()));
                }
            }
            case FeatureType.ListOf l -> appender.append(ExportColumnTypes.listJson(l, (List<?>) value));
        }
    }
}
