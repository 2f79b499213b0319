package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;

/** An online query answer (status 200) read as JSON, with lookups by feature name. */
record Answer(JsonNode json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Answer of(Response response) {
        assertThat(response.statusCode())
                .as("query answered %s", response.asString())
                .isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        try {
            return new Answer(JSON.readTree(response.asString()));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.asString(), e);
        }
    }

    /** The field of a single-row answer. */
    JsonNode field(String feature) {
        return find(json.get("data"), feature);
    }

    /** The field of one row of a bulk answer. */
    JsonNode field(int row, String feature) {
        return find(json.get("data").get(row), feature);
    }

    JsonNode value(String feature) {
        return field(feature).get("value");
    }

    boolean cacheHit(String feature) {
        JsonNode meta = field(feature).get("meta");
        assertThat(meta).as("meta of %s (include_meta)", feature).isNotNull();
        return meta.get("cache_hit").asBoolean();
    }

    JsonNode meta() {
        return json.get("meta");
    }

    List<JsonNode> errors() {
        List<JsonNode> out = new ArrayList<>();
        json.get("errors").forEach(out::add);
        return out;
    }

    private static JsonNode find(JsonNode row, String feature) {
        assertThat(row).as("data row").isNotNull();
        for (JsonNode f : row) {
            if (feature.equals(f.get("field").asText())) {
                return f;
            }
        }
        throw new AssertionError("no field " + feature + " in " + row);
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
