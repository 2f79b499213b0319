package dev.slate.serving.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/**
 * The one encoding of a {@link UsageRecord}: a JSON object of schema version {@value UsageRecord#SCHEMA_VERSION}, the
 * value of a {@code slate.usage.v1} Kafka message and one line of a signed export file (docs/specs/usage-records.md).
 * Field order is fixed, so the same record always encodes to the same bytes.
 */
public final class UsageJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private UsageJson() {}

    public static byte[] encode(UsageRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("schema_version", UsageRecord.SCHEMA_VERSION);
            g.writeStringField("record_id", r.recordId().toString());
            g.writeStringField("environment", r.environment());
            if (r.queryName().isPresent()) {
                g.writeStringField("query_name", r.queryName().get());
            } else {
                g.writeNullField("query_name");
            }
            g.writeStringField("metric", r.metric().wireName());
            g.writeNumberField("quantity", r.quantity());
            g.writeStringField("period_start", r.periodStart().toString());
            g.writeStringField("period_end", r.periodEnd().toString());
            g.writeStringField("node", r.node());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a usage record", e);
        }
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a usage record of a schema version this code reads
     */
    public static UsageRecord decode(byte[] json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a usage record is a JSON object");
        }
        int version = n.path("schema_version").asInt(-1);
        if (version != UsageRecord.SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schema_version " + n.path("schema_version")
                    + " (this reader knows " + UsageRecord.SCHEMA_VERSION + ")");
        }
        try {
            JsonNode q = n.path("query_name");
            return new UsageRecord(
                    UUID.fromString(text(n, "record_id")),
                    text(n, "environment"),
                    q.isTextual() ? Optional.of(q.asText()) : Optional.empty(),
                    UsageMetric.ofWireName(text(n, "metric")),
                    n.path("quantity").asLong(-1),
                    Instant.parse(text(n, "period_start")),
                    Instant.parse(text(n, "period_end")),
                    text(n, "node"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a period bound is not an ISO-8601 instant: " + e.getParsedString(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a string");
        }
        return v.asText();
    }
}
