package dev.slate.serving.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FloorAnswerTest {

    private static final List<FloorCatalog.Feature> FEATURES = List.of(
            new FloorCatalog.Feature("item.f1", "f1@a1", FloorCatalog.Type.INT),
            new FloorCatalog.Feature("item.f2", "f2@a1", FloorCatalog.Type.FLOAT),
            new FloorCatalog.Feature("item.f3", "f3@a1", FloorCatalog.Type.STRING),
            new FloorCatalog.Feature("item.ok", "ok@a1", FloorCatalog.Type.BOOL));

    @Test
    void aSingleAnswerHasSlatesShapeAndDecodedValues() {
        JsonObject a = FloorAnswer.write(
                        FEATURES,
                        new long[] {42},
                        new String[][] {
                            {"1767225600000000|v7", "1767225600000000|v2.5", "1767225600000001|vx|y", "-1000000|v1"}
                        },
                        false,
                        "q_1",
                        "bench",
                        1_500_000)
                .toJsonObject();
        JsonArray data = a.getJsonArray("data");
        assertThat(data).hasSize(4);
        JsonObject f1 = data.getJsonObject(0);
        assertThat(f1.fieldNames()).containsExactly("field", "value", "pkey", "ts", "error");
        assertThat(f1.getString("field")).isEqualTo("item.f1");
        assertThat(f1.getValue("value")).isEqualTo(7);
        assertThat(f1.getValue("pkey")).isEqualTo(42);
        assertThat(f1.getString("ts")).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(data.getJsonObject(1).getDouble("value")).isEqualTo(2.5);
        assertThat(data.getJsonObject(2).getString("value")).isEqualTo("x|y");
        assertThat(data.getJsonObject(2).getString("ts")).isEqualTo("2026-01-01T00:00:00.000001Z");
        assertThat(data.getJsonObject(3).getBoolean("value")).isTrue();
        assertThat(data.getJsonObject(3).getString("ts")).isEqualTo("1969-12-31T23:59:59Z");
        assertThat(a.getJsonArray("errors")).isEmpty();
        assertThat(a.getJsonObject("meta").getString("query_id")).isEqualTo("q_1");
        assertThat(a.getJsonObject("meta").getDouble("execution_duration_s")).isEqualTo(0.0015);
        assertThat(ResponseCheck.problem(
                        200,
                        FloorAnswer.write(
                                FEATURES,
                                new long[] {42},
                                new String[][] {{"1|v7", "1|v2.5", "1|vx", "1|v0"}},
                                false,
                                "q",
                                "e",
                                0)))
                .isNull();
    }

    @Test
    void aBulkAnswerHasOneListPerRowAndMissingValuesAreFieldErrors() {
        JsonObject a = FloorAnswer.write(
                        FEATURES,
                        new long[] {1, 2},
                        new String[][] {{"5|v1", "5|v1.0", "5|n", "5|v0"}, {null, "5|vnot-a-number", "5|va", "5|v1"}},
                        true,
                        "q_2",
                        "bench",
                        0)
                .toJsonObject();
        JsonArray rows = a.getJsonArray("data");
        assertThat(rows).hasSize(2);
        JsonObject storedNull = rows.getJsonArray(0).getJsonObject(2);
        assertThat(storedNull.getValue("value")).isNull();
        assertThat(storedNull.getValue("error")).isNull();
        assertThat(rows.getJsonArray(1).getJsonObject(0).getJsonObject("error").getString("code"))
                .isEqualTo("NOT_CACHED");
        assertThat(rows.getJsonArray(1).getJsonObject(0).getInteger("pkey")).isEqualTo(2);
        assertThat(rows.getJsonArray(1).getJsonObject(1).getJsonObject("error").getString("code"))
                .isEqualTo("CORRUPT_VALUE");
        JsonArray errors = a.getJsonArray("errors");
        assertThat(errors).hasSize(2);
        assertThat(errors.getJsonObject(0).getInteger("row")).isEqualTo(1);
        assertThat(errors.getJsonObject(0).getString("feature")).isEqualTo("item.f1");
        assertThat(ResponseCheck.problem(
                        200,
                        FloorAnswer.write(
                                FEATURES,
                                new long[] {1, 2},
                                new String[][] {{"5|v1", "5|v1.0", "5|n", "5|v0"}, {null, "5|v1.0", "5|va", "5|v1"}},
                                true,
                                "q",
                                "e",
                                0)))
                .startsWith("errors in response");
    }

    @Test
    void storedTextOutsideTheLayoutIsCorrupt() {
        assertThat(FloorAnswer.problem("123|v5", FloorCatalog.Type.INT)).isNull();
        assertThat(FloorAnswer.problem("123|nx", FloorCatalog.Type.INT)).isEqualTo("CORRUPT_VALUE");
        assertThat(FloorAnswer.problem("|v5", FloorCatalog.Type.INT)).isEqualTo("CORRUPT_VALUE");
        assertThat(FloorAnswer.problem("12a|v5", FloorCatalog.Type.INT)).isEqualTo("CORRUPT_VALUE");
        assertThat(FloorAnswer.problem("123|x5", FloorCatalog.Type.STRING)).isEqualTo("CORRUPT_VALUE");
        assertThat(FloorAnswer.problem(null, FloorCatalog.Type.STRING)).isEqualTo("NOT_CACHED");
    }

    @Test
    void theCatalogTravelsAsJsonAndMapsTheBaselinesFields() {
        List<String> fields = IntStream.rangeClosed(1, BenchSchema.CACHED_FEATURES)
                .mapToObj(i -> "f" + i + "@v9")
                .toList();
        FloorCatalog c = FloorCatalog.forBench(new RedisBaselineKeys("slate:bench:item:i", fields, "test"));
        assertThat(c.features()).hasSize(BenchSchema.CACHED_FEATURES);
        assertThat(c.features().get("item.f2"))
                .isEqualTo(new FloorCatalog.Feature("item.f2", "f2@v9", FloorCatalog.Type.FLOAT));
        assertThat(c.features().get("item.f3").type()).isEqualTo(FloorCatalog.Type.STRING);
        assertThat(c.key(7)).isEqualTo("slate:bench:item:i7");
        assertThat(FloorCatalog.fromJson(c.toJson())).isEqualTo(c);
        assertThatThrownBy(() -> FloorCatalog.fromJson(new JsonObject().put("key_feature", "item.id")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestKeysAreOneNumberOrAList() {
        assertThat(FloorServer.ids(new JsonObject().put("item.id", 42), "item.id", false))
                .containsExactly(42);
        assertThat(FloorServer.ids(
                        new JsonObject().put("item.id", new JsonArray().add(1).add(3)), "item.id", true))
                .containsExactly(1, 3);
        assertThatThrownBy(() -> FloorServer.ids(new JsonObject().put("user.id", 1), "item.id", false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FloorServer.ids(new JsonObject().put("item.id", 1), "item.id", true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
