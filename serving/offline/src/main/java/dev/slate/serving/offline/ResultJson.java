package dev.slate.serving.offline;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.PointInTimeExport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * A result file as JSON, streamed row by row:
 * {@code {"job_id": …, "dataset_name": …, "recomputed": [names], "feature_errors": {…} or null, "columns": [{"name", "type"}],
 * "rows": [{"user.id": 1, "input_time": "…Z", "user.x": …}]}}.
 * Datetimes are ISO-8601 UTC strings, dates ISO dates, non-finite floats the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}.
 */
final class ResultJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Column(String name, FeatureType type) {}

    private ResultJson() {}

    static void write(OfflineDuckDb parquet, OfflineJob job, Path file, OutputStream out) throws IOException {
        List<Column> columns = new ArrayList<>();
        for (OfflineQueryPlan.KeyColumn k : job.plan().keys()) {
            columns.add(new Column(k.name(), FeatureType.parse(k.type()).orElseThrow()));
        }
        columns.add(new Column(PointInTimeExport.INPUT_TIME, FeatureType.Scalar.DATETIME));
        for (OfflineQueryPlan.Output o : job.plan().outputs()) {
            columns.add(new Column(o.name(), o.featureType()));
        }
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                select.append(", ");
            }
            select.append(readable(
                    SqlQuoting.identifier(columns.get(i).name()), columns.get(i).type()));
        }
        select.append(" FROM read_parquet(").append(SqlQuoting.literal(file)).append(')');
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8);
                DuckDBConnection c = parquet.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(select.toString())) {
            gen.writeStartObject();
            gen.writeStringField("job_id", job.id());
            gen.writeStringField("dataset_name", job.datasetName().orElse(null));
            gen.writeArrayFieldStart("recomputed");
            for (OfflineQueryPlan.Output o : job.plan().recomputedOutputs()) {
                gen.writeString(o.name());
            }
            gen.writeEndArray();
            gen.writeFieldName("feature_errors");
            if (job.featureErrors().isPresent()) {
                MAPPER.writeValue(gen, job.featureErrors().get());
            } else {
                gen.writeNull();
            }
            gen.writeArrayFieldStart("columns");
            for (Column column : columns) {
                gen.writeStartObject();
                gen.writeStringField("name", column.name());
                gen.writeStringField("type", column.type().spelling());
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("rows");
            while (rs.next()) {
                gen.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    gen.writeFieldName(columns.get(i).name());
                    writeValue(gen, rs, i + 1, columns.get(i).type());
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        } catch (SQLException e) {
            throw new IOException("cannot read the result file: " + e.getMessage(), e);
        }
    }

    /** The SQL that gives a column in a form written without conversions in the driver. */
    static String readable(String column, FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case DATETIME -> "epoch_us(" + column + ")";
                    case DATE -> "CAST(" + column + " AS VARCHAR)";
                    case INT, FLOAT, STRING, BOOL -> column;
                };
            case FeatureType.ListOf l -> "CAST(to_json(" + listElements(column, l) + ") AS VARCHAR)";
        };
    }

    /** A list with datetimes as ISO-8601 UTC text, so that to_json writes them as the API does. */
    private static String listElements(String column, FeatureType.ListOf type) {
        return switch (type.element()) {
            case FeatureType.Scalar s
            when s == FeatureType.Scalar.DATETIME ->
                "list_transform(" + column + ", x -> strftime(x, '%Y-%m-%dT%H:%M:%S.%fZ'))";
            case FeatureType.ListOf inner -> "list_transform(" + column + ", x -> " + listElements("x", inner) + ")";
            default -> column;
        };
    }

    private static void writeValue(JsonGenerator gen, ResultSet rs, int column, FeatureType type)
            throws IOException, SQLException {
        switch (type) {
            case FeatureType.Scalar s -> {
                switch (s) {
                    case INT -> {
                        long v = rs.getLong(column);
                        if (rs.wasNull()) {
                            gen.writeNull();
                        } else {
                            gen.writeNumber(v);
                        }
                    }
                    case FLOAT -> {
                        double v = rs.getDouble(column);
                        if (rs.wasNull()) {
                            gen.writeNull();
                        } else if (Double.isFinite(v)) {
                            gen.writeNumber(v);
                        } else {
                            gen.writeString(Double.toString(v));
                        }
                    }
                    case BOOL -> {
                        boolean v = rs.getBoolean(column);
                        if (rs.wasNull()) {
                            gen.writeNull();
                        } else {
                            gen.writeBoolean(v);
                        }
                    }
                    case DATETIME -> {
                        long v = rs.getLong(column);
                        if (rs.wasNull()) {
                            gen.writeNull();
                        } else {
                            gen.writeString(ValueCodec.fromEpochMicros(v).toString());
                        }
                    }
                    case STRING, DATE -> gen.writeString(rs.getString(column));
                }
            }
            case FeatureType.ListOf ignored -> {
                String json = rs.getString(column);
                if (json == null) {
                    gen.writeNull();
                } else {
                    gen.writeRawValue(json);
                }
            }
        }
    }
}
