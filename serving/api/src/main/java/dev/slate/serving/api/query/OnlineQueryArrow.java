package dev.slate.serving.api.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.engine.exec.FeatureError;
import dev.slate.serving.engine.plan.PlannedOutput;
import dev.slate.serving.engine.query.QueryAnswer;
import dev.slate.storage.spi.FeatureType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An online answer as an Arrow IPC stream ({@code application/vnd.apache.arrow.stream}; docs/specs/rest-contract.md,
 * "Arrow answers"): one record batch with one row per requested row, one column per output named and typed as in
 * the JSON form, then {@value #ERRORS}, the row's feature errors; the answer's {@code meta} is in the schema's
 * metadata. Built column by column from the {@link QueryAnswer}, in off-heap buffers released after writing.
 */
final class OnlineQueryArrow {
    /** The column with each row's feature errors: a list of {feature, code, resolver, message}, null when none. */
    static final String ERRORS = "errors";

    /** Off-heap memory one answer may take; a bulk answer is bounded by the bulk row limit long before this. */
    private static final long ANSWER_LIMIT = 1L << 30;

    private static final BufferAllocator ROOT = new RootAllocator(Long.MAX_VALUE);

    private static final List<String> ERROR_FIELDS = List.of("feature", "code", "resolver", "message");

    private OnlineQueryArrow() {}

    static void write(OnlineQueryResponse response, ObjectMapper mapper, OutputStream out) throws IOException {
        QueryAnswer answer = response.answer();
        List<PlannedOutput> outputs = answer.outputs();
        List<Field> fields = new ArrayList<>(outputs.size() + 1);
        for (PlannedOutput o : outputs) {
            fields.add(o.listing() ? scalarField(o.name(), new ArrowType.Utf8()) : field(o.name(), o.type()));
        }
        fields.add(errorsField());
        Schema schema = new Schema(fields, meta(response, mapper));
        int rows = answer.rowCount();
        try (BufferAllocator allocator = ROOT.newChildAllocator("online-answer", 0, ANSWER_LIMIT);
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            for (int o = 0; o < outputs.size(); o++) {
                PlannedOutput output = outputs.get(o);
                FieldVector vector = root.getVector(o);
                vector.setInitialCapacity(rows);
                vector.allocateNew();
                for (int r = 0; r < rows; r++) {
                    Object value = answer.value(r, o);
                    if (output.listing() && value != null) {
                        value = mapper.writeValueAsString(value);
                    }
                    set(vector, r, value);
                }
                vector.setValueCount(rows);
            }
            writeErrors((ListVector) root.getVector(outputs.size()), answer, rows);
            root.setRowCount(rows);
            try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
        }
    }

    /** The column for a value of {@code type}: scalars as in the offline Parquet form, lists as Arrow lists. */
    static Field field(String name, FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s ->
                scalarField(
                        name,
                        switch (s) {
                            case INT -> new ArrowType.Int(64, true);
                            case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
                            case STRING -> new ArrowType.Utf8();
                            case BOOL -> new ArrowType.Bool();
                            case DATETIME -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
                            case DATE -> new ArrowType.Date(DateUnit.DAY);
                        });
            case FeatureType.ListOf l ->
                new Field(name, FieldType.nullable(new ArrowType.List()), List.of(field("element", l.element())));
        };
    }

    private static Field scalarField(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    private static Field errorsField() {
        List<Field> members = new ArrayList<>();
        for (String f : ERROR_FIELDS) {
            members.add(scalarField(f, new ArrowType.Utf8()));
        }
        members.add(scalarField("row", new ArrowType.Int(32, true)));
        Field error = new Field("error", FieldType.nullable(new ArrowType.Struct()), members);
        return new Field(ERRORS, FieldType.nullable(new ArrowType.List()), List.of(error));
    }

    /** The JSON form's {@code meta}, as strings: a truncation list as its JSON text. */
    private static Map<String, String> meta(OnlineQueryResponse response, ObjectMapper mapper)
            throws JsonProcessingException {
        QueryAnswer a = response.answer();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("query_id", a.queryId());
        meta.put("execution_duration_s", Double.toString(a.took().toNanos() / 1e9));
        meta.put("deployment_id", a.deployment().deploymentId());
        meta.put("deployment_version", Integer.toString(a.deployment().version()));
        meta.put("environment", a.environment());
        meta.put("plan_hash", a.planHash());
        if (response.queryName() != null) {
            meta.put("query_name", response.queryName());
        }
        if (!a.truncations().isEmpty()) {
            List<Map<String, Object>> cuts = new ArrayList<>();
            for (QueryAnswer.Truncation t : a.truncations()) {
                Map<String, Object> cut = new LinkedHashMap<>();
                cut.put("feature", a.outputs().get(t.output()).name());
                cut.put("row", t.row());
                cut.put("limit", t.limit());
                cuts.add(cut);
            }
            meta.put("truncated", mapper.writeValueAsString(cuts));
        }
        return meta;
    }

    /** Sets row {@code r} of {@code vector} to {@code value} (null leaves it null), growing the vector as needed. */
    private static void set(FieldVector vector, int r, Object value) {
        if (value == null) {
            vector.setNull(r);
            return;
        }
        switch (vector) {
            case BigIntVector v -> v.setSafe(r, ((Number) value).longValue());
            case Float8Vector v -> v.setSafe(r, ((Number) value).doubleValue());
            case VarCharVector v -> v.setSafe(r, value.toString().getBytes(StandardCharsets.UTF_8));
            case BitVector v -> v.setSafe(r, ((Boolean) value) ? 1 : 0);
            case TimeStampMicroTZVector v -> v.setSafe(r, micros((Instant) value));
            case DateDayVector v -> v.setSafe(r, Math.toIntExact(((LocalDate) value).toEpochDay()));
            case ListVector v -> {
                List<?> elements = (List<?>) value;
                int start = v.startNewValue(r);
                FieldVector data = v.getDataVector();
                for (int i = 0; i < elements.size(); i++) {
                    set(data, start + i, elements.get(i));
                }
                data.setValueCount(start + elements.size());
                v.endValue(r, elements.size());
            }
            default -> throw new IllegalStateException("no Arrow column for " + vector.getField());
        }
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    private static void writeErrors(ListVector errors, QueryAnswer answer, int rows) {
        errors.setInitialCapacity(rows);
        errors.allocateNew();
        StructVector error = (StructVector) errors.getDataVector();
        int n = 0;
        for (int r = 0; r < rows; r++) {
            if (answer.featureErrors() == 0 || !hasError(answer, r)) {
                errors.setNull(r);
                continue;
            }
            int start = errors.startNewValue(r);
            int count = 0;
            for (int o = 0; o < answer.outputs().size(); o++) {
                FeatureError e = answer.error(r, o);
                if (e == null) {
                    continue;
                }
                int i = start + count++;
                error.setIndexDefined(i);
                String[] values = {answer.outputs().get(o).name(), e.code().name(), e.resolver(), e.message()};
                for (int f = 0; f < values.length; f++) {
                    set((FieldVector) error.getChildByOrdinal(f), i, values[f]);
                }
                ((IntVector) error.getChildByOrdinal(values.length)).setSafe(i, r);
            }
            errors.endValue(r, count);
            n = start + count;
        }
        for (int f = 0; f <= ERROR_FIELDS.size(); f++) {
            error.getChildByOrdinal(f).setValueCount(n);
        }
        error.setValueCount(n);
        errors.setValueCount(rows);
    }

    private static boolean hasError(QueryAnswer answer, int r) {
        for (int o = 0; o < answer.outputs().size(); o++) {
            if (answer.error(r, o) != null) {
                return true;
            }
        }
        return false;
    }
}
