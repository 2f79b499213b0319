package dev.slate.serving.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps the floor honest: before a scenario is measured, the same query (same body) goes to Slate and to
 * the floor server, and every field of the floor's answer must equal Slate's: output name, value, key
 * ({@code pkey}) and observation time ({@code ts}). Slate's own answer is checked against the bench
 * table by {@link ScenarioCheck}; so a floor that passes this check serves the real values.
 */
final class FloorCheck {

    /** Differences reported at most, the rest are summed up. */
    static final int MAX_REPORTED = 5;

    private FloorCheck() {}

    /** Problems of the floor's answer to {@code body} against Slate's, empty when they agree. */
    static List<String> compare(SlateAdmin slate, SlateAdmin floor, String path, Buffer body) {
        HttpAnswer s = slate.call(HttpMethod.POST, path, body);
        HttpAnswer f = floor.call(HttpMethod.POST, path, body);
        List<String> problems = new ArrayList<>();
        String sp = ResponseCheck.problem(s.status(), s.body());
        if (sp != null) {
            problems.add("Slate's answer to compare with is not a success: " + sp);
        }
        String fp = ResponseCheck.problem(f.status(), f.body());
        if (fp != null) {
            problems.add("the floor's answer is not a success: " + fp + ": " + f.excerpt());
        }
        if (problems.isEmpty()) {
            problems.addAll(differences(s.body().toJsonObject(), f.body().toJsonObject()));
        }
        return problems;
    }

    /** How the floor's answer differs from Slate's in {@code data}; empty when every field agrees. */
    static List<String> differences(JsonObject slate, JsonObject floor) {
        List<String> out = new ArrayList<>();
        Object s = slate.getValue("data");
        Object f = floor.getValue("data");
        if (!(s instanceof JsonArray sd) || !(f instanceof JsonArray fd)) {
            out.add("data is missing in " + (s instanceof JsonArray ? "the floor's" : "Slate's") + " answer");
            return out;
        }
        boolean bulk = !sd.isEmpty() && sd.getValue(0) instanceof JsonArray;
        if (bulk) {
            if (sd.size() != fd.size()) {
                out.add("Slate answered " + sd.size() + " rows, the floor " + fd.size());
                return out;
            }
            int differing = 0;
            for (int r = 0; r < sd.size(); r++) {
                differing += compareRow(
                        "row " + r + ": ",
                        sd.getJsonArray(r),
                        fd.getValue(r) instanceof JsonArray row ? row : null,
                        out);
            }
            if (differing > MAX_REPORTED) {
                out.add((differing - MAX_REPORTED) + " more differences");
            }
        } else {
            int differing = compareRow("", sd, fd, out);
            if (differing > MAX_REPORTED) {
                out.add((differing - MAX_REPORTED) + " more differences");
            }
        }
        return out;
    }

    /** Adds the differences of one row (while fewer than {@link #MAX_REPORTED} are reported); returns how many there were. */
    private static int compareRow(String where, JsonArray slate, JsonArray floor, List<String> out) {
        if (floor == null || floor.size() != slate.size()) {
            report(
                    out,
                    where + "Slate answered " + slate.size() + " fields, the floor "
                            + (floor == null ? 0 : floor.size()));
            return 1;
        }
        int differing = 0;
        for (int i = 0; i < slate.size(); i++) {
            JsonObject a = slate.getJsonObject(i);
            JsonObject b = floor.getJsonObject(i);
            for (String key : new String[] {"field", "value", "pkey", "ts"}) {
                if (!Objects.equals(a.getValue(key), b.getValue(key))) {
                    differing++;
                    report(
                            out,
                            where + a.getString("field") + "." + key + ": Slate " + a.getValue(key) + ", floor "
                                    + b.getValue(key));
                    break;
                }
            }
        }
        return differing;
    }

    private static void report(List<String> out, String problem) {
        if (out.size() < MAX_REPORTED) {
            out.add(problem);
        }
    }
}
