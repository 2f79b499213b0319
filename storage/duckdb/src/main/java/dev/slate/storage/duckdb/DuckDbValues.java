package dev.slate.storage.duckdb;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads DuckDB result values into Slate's Java representation ({@link dev.slate.storage.spi.FeatureType}):
 * lists become {@link List}s, naive timestamps are taken as UTC, UUIDs become strings. Shared by the
 * resolver runner and the Parquet ingest reader so a value means the same wherever it is read.
 */
public final class DuckDbValues {

    private DuckDbValues() {}

    /** The value of {@code column} of the current row; {@code typeName} is the column's DuckDB type name. */
    public static Object read(ResultSet rs, int column, String typeName) throws SQLException {
        if (typeName != null && typeName.startsWith("TIMESTAMP") && !typeName.contains("TIME ZONE")) {
            LocalDateTime local = rs.getObject(column, LocalDateTime.class); // a naive timestamp is read as UTC
            return local == null ? null : local.toInstant(ZoneOffset.UTC);
        }
        return convert(rs.getObject(column));
    }

    private static Object convert(Object value) throws SQLException {
        return switch (value) {
            case null -> null;
            case Array a -> {
                Object[] elements = (Object[]) a.getArray();
                List<Object> out = new ArrayList<>(elements.length);
                for (Object e : elements) {
                    out.add(convert(e));
                }
                yield out;
            }
            case Timestamp t -> t.toLocalDateTime().toInstant(ZoneOffset.UTC);
            case LocalDateTime l -> l.toInstant(ZoneOffset.UTC);
            case UUID u -> u.toString();
            default -> value;
        };
    }
}
