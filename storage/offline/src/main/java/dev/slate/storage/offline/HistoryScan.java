package dev.slate.storage.offline;

import static dev.slate.storage.offline.FeatureLogLayout.ENTITY_KEY;
import static dev.slate.storage.offline.FeatureLogLayout.FEATURE_VERSION;
import static dev.slate.storage.offline.FeatureLogLayout.OBSERVED_AT;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_TYPE;
import static dev.slate.storage.offline.FeatureLogLayout.WRITE_SEQ;

import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ExportColumnTypes;
import dev.slate.storage.spi.offline.HistoryObservation;
import dev.slate.storage.spi.offline.HistoryQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;

/**
 * {@link dev.slate.storage.spi.offline.OfflineStore#history} over the feature log: one DuckDB statement over the data
 * files of every requested feature (each file pruned as for a point-in-time read with no lower time bound), the
 * features side by side in their own value columns, ordered by entity key, observation time and write sequence —
 * the order the contract asks for — and streamed to the sink.
 */
final class HistoryScan {

    private HistoryScan() {}

    static long run(
            DuckDBConnection c,
            HistoryQuery query,
            List<PointInTimeJoin.FeatureFiles> files,
            Consumer<HistoryObservation> sink)
            throws SQLException {
        int count = query.features().size();
        StringBuilder sql = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            PointInTimeJoin.FeatureFiles ff = files.get(f);
            if (ff.paths().isEmpty()) {
                continue;
            }
            FeatureType type = ff.lookup().slot().type();
            sql.append(sql.isEmpty() ? "" : " UNION ALL ")
                    .append("SELECT ")
                    .append(ENTITY_KEY)
                    .append(" AS k, ")
                    .append(f)
                    .append(" AS f, epoch_us(")
                    .append(OBSERVED_AT)
                    .append(") AS obs_us, ")
                    .append(WRITE_SEQ)
                    .append(" AS seq");
            for (int g = 0; g < count; g++) {
                FeatureType other = files.get(g).lookup().slot().type();
                sql.append(", ")
                        .append(
                                g == f
                                        ? PointInTimeJoin.valueExpression(type)
                                        : "CAST(NULL AS " + columnType(other) + ")")
                        .append(" AS v")
                        .append(g);
            }
            sql.append(" FROM read_parquet(?) WHERE ")
                    .append(FEATURE_VERSION)
                    .append(" = ? AND ")
                    .append(VALUE_TYPE)
                    .append(" = ? AND ")
                    .append(OBSERVED_AT)
                    .append(" <= make_timestamptz(?::BIGINT)");
            parameters.add(c.createArrayOf("VARCHAR", ff.paths().toArray()));
            parameters.add(ff.lookup().slot().version());
            parameters.add(type.spelling());
            parameters.add(ValueCodec.toEpochMicros(query.until()));
        }
        if (sql.isEmpty()) {
            return 0;
        }
        sql.insert(0, "SELECT * FROM (").append(") ORDER BY k, obs_us, seq");
        long delivered = 0;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int p = 0; p < parameters.size(); p++) {
                ps.setObject(p + 1, parameters.get(p));
            }
            try (ResultSet rs = ps.executeQuery()) {
                String lastKey = null;
                EntityKey key = null;
                while (rs.next()) {
                    String encoded = rs.getString(1);
                    if (!encoded.equals(lastKey)) {
                        lastKey = encoded;
                        key = FeatureLogLayout.decodeKey(encoded);
                    }
                    int f = rs.getInt(2);
                    Object value = PointInTimeJoin.value(
                            rs, 5 + f, files.get(f).lookup().slot().type());
                    sink.accept(new HistoryObservation(key, f, value, ValueCodec.fromEpochMicros(rs.getLong(3))));
                    delivered++;
                }
            }
        }
        return delivered;
    }

    /** The DuckDB type of {@link PointInTimeJoin#valueExpression} for {@code type}. */
    private static String columnType(FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case DATETIME, DATE -> "BIGINT";
                    case INT, FLOAT, STRING, BOOL -> ExportColumnTypes.duckDbType(type);
                };
            case FeatureType.ListOf ignored -> "VARCHAR";
        };
    }
}
