package dev.slate.serving.bench;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Before a scenario is measured, one of its requests is sent with {@code include_meta} and read in
 * full: every output present, no errors, values equal to the bench table's (and the CEL results
 * recomputed here), cache hits where the scenario expects them. A problem is reported with the
 * results, so a fast answer that is wrong cannot pass as a good number.
 */
final class ScenarioCheck {

    private ScenarioCheck() {}

    /** Problems of a single query for {@code id} (scenario a: cached; c: live), empty when it is right. */
    static List<String> single(SlateAdmin admin, String entity, List<String> outputs, long id, boolean expectCacheHit) {
        HttpAnswer a = admin.call(
                HttpMethod.POST,
                "/v1/query/online",
                QueryBodies.withMeta(entity + ".id", outputs).single(id));
        List<String> problems = new ArrayList<>();
        String p = ResponseCheck.problem(a.status(), a.body());
        if (p != null) {
            problems.add(p + ": " + a.excerpt());
            return problems;
        }
        checkRow(a.body().toJsonObject().getJsonArray("data"), entity, outputs, id, expectCacheHit, problems);
        return problems;
    }

    /** Problems of a bulk query for {@code ids} (scenario b). */
    static List<String> bulk(
            SlateAdmin admin, String entity, List<String> outputs, long[] ids, boolean expectCacheHit) {
        HttpAnswer a = admin.call(
                HttpMethod.POST,
                "/v1/query/online/bulk",
                QueryBodies.withMeta(entity + ".id", outputs).bulk(ids));
        List<String> problems = new ArrayList<>();
        String p = ResponseCheck.problem(a.status(), a.body());
        if (p != null) {
            problems.add(p + ": " + a.excerpt());
            return problems;
        }
        JsonArray rows = a.body().toJsonObject().getJsonArray("data");
        if (rows == null || rows.size() != ids.length) {
            problems.add("bulk answer has " + (rows == null ? 0 : rows.size()) + " rows for " + ids.length + " ids");
            return problems;
        }
        for (int i = 0; i < ids.length && problems.size() < 5; i++) {
            checkRow(rows.getJsonArray(i), entity, outputs, ids[i], expectCacheHit, problems);
        }
        return problems;
    }

    private static void checkRow(
            JsonArray data,
            String entity,
            List<String> outputs,
            long id,
            boolean expectCacheHit,
            List<String> problems) {
        if (data == null || data.size() != outputs.size()) {
            problems.add("id " + id + ": " + (data == null ? 0 : data.size()) + " values for " + outputs.size()
                    + " outputs");
            return;
        }
        Map<String, Object> values = new HashMap<>();
        int hits = 0;
        for (int i = 0; i < data.size(); i++) {
            JsonObject field = data.getJsonObject(i);
            String name = field.getString("field");
            if (!outputs.get(i).equals(name)) {
                problems.add("id " + id + ": value " + i + " is " + name + ", expected " + outputs.get(i));
                return;
            }
            values.put(name.substring(entity.length() + 1), field.getValue("value"));
            JsonObject meta = field.getJsonObject("meta");
            if (meta != null && Boolean.TRUE.equals(meta.getBoolean("cache_hit"))) {
                hits++;
            }
        }
        if (expectCacheHit && hits != outputs.size()) {
            problems.add("id " + id + ": only " + hits + " of " + outputs.size() + " values are cache hits");
        }
        if (!expectCacheHit && hits != 0) {
            problems.add("id " + id + ": " + hits + " values are cache hits in an uncached scenario");
        }
        for (String out : outputs) {
            String feature = out.substring(entity.length() + 1);
            Object actual = values.get(feature);
            if (actual == null) {
                problems.add("id " + id + ": " + out + " is null");
            } else if (feature.startsWith("f")) {
                int column = Integer.parseInt(feature.substring(1));
                String expected = RedisBaselineSetup.valueText(id, column);
                if (!sameValue(BenchSchema.kind(column), expected, actual)) {
                    problems.add("id " + id + ": " + out + " = " + actual + ", the table holds " + expected);
                }
            }
        }
        if (values.containsKey("x1")
                && values.get("f1") instanceof Number f1
                && values.get("f4") instanceof Number f4
                && values.get("x1") instanceof Number x1
                && x1.longValue() != f1.longValue() * 2 + f4.longValue()) {
            problems.add(
                    "id " + id + ": x1 = " + x1 + ", expected f1 * 2 + f4 = " + (f1.longValue() * 2 + f4.longValue()));
        }
        if (values.containsKey("x7") && !Objects.equals(values.get("x7"), values.get("f3") + "-x")) {
            problems.add(
                    "id " + id + ": x7 = " + values.get("x7") + ", expected f3 + '-x' = " + values.get("f3") + "-x");
        }
    }

    private static boolean sameValue(BenchSchema.Kind kind, String expected, Object actual) {
        return switch (kind) {
            case INT ->
                actual instanceof Number n && n.longValue() == Long.parseLong(expected) && !(actual instanceof Double);
            case FLOAT -> actual instanceof Number n && Math.abs(n.doubleValue() - Double.parseDouble(expected)) < 1e-9;
            case TEXT -> expected.equals(actual);
        };
    }
}
