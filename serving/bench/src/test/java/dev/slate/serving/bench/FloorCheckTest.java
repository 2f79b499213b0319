package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class FloorCheckTest {

    private static JsonObject field(String name, Object value, long pkey, String ts) {
        return new JsonObject()
                .put("field", name)
                .put("value", value)
                .put("pkey", pkey)
                .put("ts", ts)
                .put("error", null);
    }

    private static JsonArray row(long id, Object f1, String ts) {
        return new JsonArray().add(field("item.f1", f1, id, ts)).add(field("item.f3", "v" + id, id, ts));
    }

    @Test
    void equalAnswersAgreeWhateverTheirMeta() {
        JsonObject slate = new JsonObject()
                .put("data", row(1, 10, "2026-01-01T00:00:00Z"))
                .put("meta", new JsonObject().put("query_id", "q_a").put("cache_hit", true));
        JsonObject floor = new JsonObject()
                .put("data", row(1, 10, "2026-01-01T00:00:00Z"))
                .put("meta", new JsonObject().put("query_id", "q_b"));
        assertThat(FloorCheck.differences(slate, floor)).isEmpty();
    }

    @Test
    void aDifferentValueTimeOrRowCountIsReported() {
        JsonObject slate = new JsonObject().put("data", row(1, 10, "2026-01-01T00:00:00Z"));
        assertThat(FloorCheck.differences(slate, new JsonObject().put("data", row(1, 11, "2026-01-01T00:00:00Z"))))
                .containsExactly("item.f1.value: Slate 10, floor 11");
        assertThat(FloorCheck.differences(slate, new JsonObject().put("data", row(1, 10, "2026-01-02T00:00:00Z"))))
                .hasSize(2)
                .allMatch(p -> p.contains(".ts: "));
        JsonObject bulkSlate = new JsonObject()
                .put("data", new JsonArray().add(row(1, 10, "t")).add(row(2, 20, "t")));
        assertThat(FloorCheck.differences(
                        bulkSlate, new JsonObject().put("data", new JsonArray().add(row(1, 10, "t")))))
                .containsExactly("Slate answered 2 rows, the floor 1");
        assertThat(FloorCheck.differences(
                        bulkSlate,
                        new JsonObject()
                                .put(
                                        "data",
                                        new JsonArray().add(row(1, 10, "t")).add(row(3, 20, "t")))))
                .containsExactly("row 1: item.f1.pkey: Slate 2, floor 3", "row 1: item.f3.value: Slate v2, floor v3");
        assertThat(FloorCheck.differences(slate, new JsonObject()))
                .containsExactly("data is missing in the floor's answer");
    }
}
