package dev.slate.serving.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes the floor server's answer in the JSON shape of Slate's online query answer (docs/api.md,
 * {@code POST /v1/query/online} and {@code /bulk}): {@code data} (one list of fields per row when
 * bulk), {@code errors}, {@code meta}. Each field is {@code {field, value, pkey, ts, error}}; values are
 * decoded from the stored text as docs/specs/online-store-redis.md describes ({@code micros|v<text>},
 * {@code micros|n}); a missing field is a field error {@code NOT_CACHED}, so the benchmark counts it.
 * Like Slate's serializer, it streams through Jackson with pre-encoded names.
 */
final class FloorAnswer {

    private static final JsonFactory JSON = new JsonFactory();
    private static final SerializableString DATA = new SerializedString("data");
    private static final SerializableString ERRORS = new SerializedString("errors");
    private static final SerializableString META = new SerializedString("meta");
    private static final SerializableString FIELD = new SerializedString("field");
    private static final SerializableString VALUE = new SerializedString("value");
    private static final SerializableString PKEY = new SerializedString("pkey");
    private static final SerializableString TS = new SerializedString("ts");
    private static final SerializableString ERROR = new SerializedString("error");
    private static final SerializableString CODE = new SerializedString("code");
    private static final SerializableString CATEGORY = new SerializedString("category");
    private static final SerializableString FEATURE = new SerializedString("feature");
    private static final SerializableString MESSAGE = new SerializedString("message");
    private static final SerializableString ROW = new SerializedString("row");

    private FloorAnswer() {}

    /**
     * @param features the outputs, in request order
     * @param ids the entity key of each row
     * @param raw per row, per output: the stored hash value, or null when the field is missing
     * @param bulk the bulk shape (a list of rows) rather than one row
     */
    static Buffer write(
            List<FloorCatalog.Feature> features,
            long[] ids,
            String[][] raw,
            boolean bulk,
            String queryId,
            String environment,
            long tookNanos) {
        ByteBuf buf = Unpooled.buffer(256 + ids.length * features.size() * 64);
        try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(buf), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeFieldName(DATA);
            Timestamps ts = new Timestamps();
            int errors = 0;
            if (bulk) {
                g.writeStartArray();
                for (int r = 0; r < ids.length; r++) {
                    errors += writeRow(features, ids[r], raw[r], r, ts, g);
                }
                g.writeEndArray();
            } else {
                errors += writeRow(features, ids[0], raw[0], -1, ts, g);
            }
            g.writeFieldName(ERRORS);
            g.writeStartArray();
            if (errors > 0) {
                for (int r = 0; r < ids.length; r++) {
                    for (int o = 0; o < features.size(); o++) {
                        String problem = problem(raw[r][o], features.get(o).type());
                        if (problem != null) {
                            writeError(features.get(o), problem, bulk ? r : -1, g);
                        }
                    }
                }
            }
            g.writeEndArray();
            g.writeFieldName(META);
            g.writeStartObject();
            g.writeStringField("query_id", queryId);
            g.writeNumberField("execution_duration_s", tookNanos / 1e9);
            g.writeStringField("deployment_id", "floor");
            g.writeNumberField("deployment_version", 0);
            g.writeStringField("environment", environment);
            g.writeStringField("plan_hash", "floor");
            g.writeNullField("query_name");
            g.writeNullField("explain_output");
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the floor's answer", e);
        }
        return Buffer.buffer(buf);
    }

    /** Writes one row; returns how many of its fields are errors. */
    private static int writeRow(
            List<FloorCatalog.Feature> features, long id, String[] raw, int row, Timestamps ts, JsonGenerator g)
            throws IOException {
        int errors = 0;
        g.writeStartArray();
        for (int o = 0; o < features.size(); o++) {
            FloorCatalog.Feature f = features.get(o);
            String stored = raw[o];
            String problem = shape(stored);
            Object value = null;
            long observed = 0;
            if (problem == null) {
                try {
                    value = value(stored, f.type());
                    observed = observedMicros(stored);
                } catch (RuntimeException e) {
                    problem = "CORRUPT_VALUE";
                }
            }
            g.writeStartObject();
            g.writeFieldName(FIELD);
            g.writeString(f.output());
            g.writeFieldName(VALUE);
            writeValue(value, g);
            g.writeFieldName(PKEY);
            g.writeNumber(id);
            if (problem == null) {
                g.writeFieldName(TS);
                g.writeString(ts.format(observed));
            }
            g.writeFieldName(ERROR);
            if (problem == null) {
                g.writeNull();
            } else {
                errors++;
                writeError(f, problem, row, g);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        return errors;
    }

    /** Why {@code stored} cannot be answered, or null: missing (not cached) or not in the layout's shape. */
    static String problem(String stored, FloorCatalog.Type type) {
        String problem = shape(stored);
        if (problem != null) {
            return problem;
        }
        try {
            observedMicros(stored);
            value(stored, type);
            return null;
        } catch (RuntimeException e) {
            return "CORRUPT_VALUE";
        }
    }

    /** {@code NOT_CACHED} for a missing field, {@code CORRUPT_VALUE} when the text is not {@code time|v...} or {@code time|n}. */
    private static String shape(String stored) {
        if (stored == null) {
            return "NOT_CACHED";
        }
        int bar = stored.indexOf('|');
        if (bar < 1 || bar + 1 >= stored.length()) {
            return "CORRUPT_VALUE";
        }
        char marker = stored.charAt(bar + 1);
        return marker == 'v' || (marker == 'n' && bar + 2 == stored.length()) ? null : "CORRUPT_VALUE";
    }

    /** The value of a well-formed stored text: null for a stored null ({@code |n}). */
    static Object value(String stored, FloorCatalog.Type type) {
        int bar = stored.indexOf('|');
        return stored.charAt(bar + 1) == 'n' ? null : decode(stored.substring(bar + 2), type);
    }

    private static Object decode(String text, FloorCatalog.Type type) {
        return switch (type) {
            case INT -> Long.parseLong(text);
            case FLOAT -> Double.parseDouble(text);
            case STRING -> text;
            case BOOL -> text.equals("1");
        };
    }

    private static void writeValue(Object value, JsonGenerator g) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case Long l -> g.writeNumber(l.longValue());
            case Double d -> g.writeNumber(d.doubleValue());
            case Boolean b -> g.writeBoolean(b.booleanValue());
            case String s -> g.writeString(s);
            default -> throw new IllegalStateException("unexpected value type " + value.getClass());
        }
    }

    static long observedMicros(String stored) {
        return Long.parseLong(stored, 0, stored.indexOf('|'), 10);
    }

    private static void writeError(FloorCatalog.Feature f, String code, int row, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeFieldName(CODE);
        g.writeString(code);
        g.writeFieldName(CATEGORY);
        g.writeString("FIELD");
        g.writeFieldName(FEATURE);
        g.writeString(f.output());
        g.writeFieldName(MESSAGE);
        g.writeString(
                "NOT_CACHED".equals(code)
                        ? "the online store holds no value"
                        : "the stored value is not in the layout's shape");
        if (row >= 0) {
            g.writeFieldName(ROW);
            g.writeNumber(row);
        }
        g.writeEndObject();
    }

    /** Instant text of epoch microseconds, remembering the last one (the values of a row mostly share one time). */
    private static final class Timestamps {
        private long last = Long.MIN_VALUE;
        private String text;

        String format(long micros) {
            if (micros != last || text == null) {
                last = micros;
                text = Instant.ofEpochSecond(
                                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
                        .toString();
            }
            return text;
        }
    }
}
