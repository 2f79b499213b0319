package dev.slate.serving.api.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.slate.serving.engine.exec.FeatureError;
import dev.slate.serving.engine.plan.PlannedOutput;
import dev.slate.serving.engine.query.QueryAnswer;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Streams an {@link OnlineQueryResponse} as JSON: the shape of {@link OnlineQueryResponseBody}
 * (field order and null handling included), written value by value from the answer. A bulk answer
 * of 100 rows × 50 features is 5,000 fields; building a record per field and serialising it by
 * reflection, and formatting 5,000 timestamps, was most of the cost of such a request. Here field
 * names are pre-encoded, plain values (string, int, float, bool) are written directly, other values
 * go through the mapper as before, and a timestamp is formatted once per run of equal observation
 * times (the values of one row usually share one).
 */
final class OnlineQueryResponseSerializer extends StdSerializer<OnlineQueryResponse> {

    private static final SerializableString DATA = new SerializedString("data");
    private static final SerializableString ERRORS = new SerializedString("errors");
    private static final SerializableString META = new SerializedString("meta");
    private static final SerializableString FIELD = new SerializedString("field");
    private static final SerializableString VALUE = new SerializedString("value");
    private static final SerializableString PKEY = new SerializedString("pkey");
    private static final SerializableString TS = new SerializedString("ts");
    private static final SerializableString ERROR = new SerializedString("error");
    private static final SerializableString RESOLVER = new SerializedString("resolver");
    private static final SerializableString CACHE_HIT = new SerializedString("cache_hit");
    private static final SerializableString CODE = new SerializedString("code");
    private static final SerializableString CATEGORY = new SerializedString("category");
    private static final SerializableString FEATURE = new SerializedString("feature");
    private static final SerializableString MESSAGE = new SerializedString("message");
    private static final SerializableString ROW = new SerializedString("row");
    private static final SerializableString FIELD_CATEGORY = new SerializedString("FIELD");
    private static final SerializableString QUERY_ID = new SerializedString("query_id");
    private static final SerializableString DURATION = new SerializedString("execution_duration_s");
    private static final SerializableString DEPLOYMENT_ID = new SerializedString("deployment_id");
    private static final SerializableString DEPLOYMENT_VERSION = new SerializedString("deployment_version");
    private static final SerializableString ENVIRONMENT = new SerializedString("environment");
    private static final SerializableString PLAN_HASH = new SerializedString("plan_hash");
    private static final SerializableString QUERY_NAME = new SerializedString("query_name");
    private static final SerializableString EXPLAIN_OUTPUT = new SerializedString("explain_output");
    private static final SerializableString TRUNCATED = new SerializedString("truncated");
    private static final SerializableString LIMIT = new SerializedString("limit");

    OnlineQueryResponseSerializer() {
        super(OnlineQueryResponse.class);
    }

    @Override
    public void serialize(OnlineQueryResponse response, JsonGenerator gen, SerializerProvider provider)
            throws IOException {
        QueryAnswer answer = response.answer();
        gen.writeStartObject();
        gen.writeFieldName(DATA);
        Timestamps ts = new Timestamps();
        if (response.bulk()) {
            gen.writeStartArray(answer, answer.rowCount());
            for (int r = 0; r < answer.rowCount(); r++) {
                writeRow(answer, r, response.includeMeta(), r, ts, gen, provider);
            }
            gen.writeEndArray();
        } else {
            writeRow(answer, 0, response.includeMeta(), -1, ts, gen, provider);
        }
        gen.writeFieldName(ERRORS);
        gen.writeStartArray();
        if (answer.featureErrors() > 0) {
            int outputs = answer.outputs().size();
            for (int r = 0; r < answer.rowCount(); r++) {
                for (int o = 0; o < outputs; o++) {
                    FeatureError e = answer.error(r, o);
                    if (e != null) {
                        writeError(answer.outputs().get(o), e, response.bulk() ? r : -1, gen);
                    }
                }
            }
        }
        gen.writeEndArray();
        gen.writeFieldName(META);
        writeMeta(response, gen);
        gen.writeEndObject();
    }

    /** {@code [{field, value, pkey?, ts?, meta?, error}, ...]}: one {@link OnlineQueryResponseBody.FieldBody} per output. */
    private static void writeRow(
            QueryAnswer answer,
            int r,
            boolean includeMeta,
            int errorRow,
            Timestamps ts,
            JsonGenerator gen,
            SerializerProvider provider)
            throws IOException {
        List<PlannedOutput> outputs = answer.outputs();
        int n = outputs.size();
        gen.writeStartArray(null, n);
        for (int o = 0; o < n; o++) {
            PlannedOutput out = outputs.get(o);
            gen.writeStartObject();
            gen.writeFieldName(FIELD);
            gen.writeString(out.name());
            gen.writeFieldName(VALUE);
            writeValue(answer.value(r, o), gen, provider);
            Object pkey = answer.pkey(r, o);
            if (pkey != null) {
                gen.writeFieldName(PKEY);
                writeValue(pkey, gen, provider);
            }
            Instant observedAt = answer.observedAt(r, o);
            if (observedAt != null) {
                gen.writeFieldName(TS);
                gen.writeString(ts.format(observedAt));
            }
            if (includeMeta) {
                gen.writeFieldName(META);
                gen.writeStartObject();
                gen.writeFieldName(RESOLVER);
                gen.writeString(out.producedBy());
                gen.writeFieldName(CACHE_HIT);
                gen.writeBoolean(answer.cacheHit(r, o));
                gen.writeEndObject();
            }
            gen.writeFieldName(ERROR);
            FeatureError e = answer.error(r, o);
            if (e == null) {
                gen.writeNull();
            } else {
                writeError(out, e, errorRow, gen);
            }
            gen.writeEndObject();
        }
        gen.writeEndArray();
    }

    private static void writeValue(Object v, JsonGenerator gen, SerializerProvider provider) throws IOException {
        switch (v) {
            case null -> gen.writeNull();
            case String s -> gen.writeString(s);
            case Long l -> gen.writeNumber(l.longValue());
            case Double d -> gen.writeNumber(d.doubleValue());
            case Boolean b -> gen.writeBoolean(b.booleanValue());
            default -> provider.defaultSerializeValue(v, gen); // datetime, date, lists: as the mapper writes them
        }
    }

    /** One {@link OnlineQueryResponseBody.FieldErrorBody}; {@code row} is -1 when the query is not bulk. */
    private static void writeError(PlannedOutput out, FeatureError e, int row, JsonGenerator gen) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(CODE);
        gen.writeString(e.code().name());
        gen.writeFieldName(CATEGORY);
        gen.writeString(FIELD_CATEGORY);
        gen.writeFieldName(FEATURE);
        gen.writeString(out.name());
        if (e.resolver() != null) {
            gen.writeFieldName(RESOLVER);
            gen.writeString(e.resolver());
        }
        if (e.message() != null) {
            gen.writeFieldName(MESSAGE);
            gen.writeString(e.message());
        }
        if (row >= 0) {
            gen.writeFieldName(ROW);
            gen.writeNumber(row);
        }
        gen.writeEndObject();
    }

    /** {@link OnlineQueryResponseBody.MetaBody}: every field, nulls included. */
    private static void writeMeta(OnlineQueryResponse response, JsonGenerator gen) throws IOException {
        QueryAnswer a = response.answer();
        gen.writeStartObject();
        gen.writeFieldName(QUERY_ID);
        gen.writeString(a.queryId());
        gen.writeFieldName(DURATION);
        gen.writeNumber(a.took().toNanos() / 1e9);
        gen.writeFieldName(DEPLOYMENT_ID);
        gen.writeString(a.deployment().deploymentId());
        gen.writeFieldName(DEPLOYMENT_VERSION);
        gen.writeNumber(a.deployment().version());
        gen.writeFieldName(ENVIRONMENT);
        gen.writeString(a.environment());
        gen.writeFieldName(PLAN_HASH);
        gen.writeString(a.planHash());
        gen.writeFieldName(QUERY_NAME);
        gen.writeString(response.queryName());
        gen.writeFieldName(EXPLAIN_OUTPUT);
        gen.writeString(a.explain());
        gen.writeFieldName(TRUNCATED);
        List<QueryAnswer.Truncation> truncations = a.truncations();
        if (truncations.isEmpty()) {
            gen.writeNull();
        } else {
            gen.writeStartArray();
            for (QueryAnswer.Truncation t : truncations) {
                gen.writeStartObject();
                gen.writeFieldName(FEATURE);
                gen.writeString(a.outputs().get(t.output()).name());
                if (response.bulk()) {
                    gen.writeFieldName(ROW);
                    gen.writeNumber(t.row());
                }
                gen.writeFieldName(LIMIT);
                gen.writeNumber(t.limit());
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }
        gen.writeEndObject();
    }

    /** {@link Instant#toString()}, remembering the last one: the values of a row mostly share one observation time. */
    private static final class Timestamps {
        private Instant last;
        private String text;

        String format(Instant t) {
            if (!t.equals(last)) {
                last = t;
                text = t.toString();
            }
            return text;
        }
    }
}
