package dev.slate.installer.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slate.installer.http.ApiResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Renders a failed answer: {@code error CODE: detail} and the problem's {@code errors} list, as a
 * {@code FILE:LINE  CODE  MESSAGE} table for project problems, a {@code FEATURE | CODE | MESSAGE}
 * table for feature errors, else one line per error.
 */
public final class ProblemView {
    private ProblemView() {}

    public static String render(ApiResponse response) {
        if (response.json().isEmpty() || !response.json().get().isObject()) {
            String body = response.rawBody().strip();
            String firstLine =
                    body.isEmpty() ? "(empty body)" : body.lines().findFirst().orElse("");
            return "error HTTP " + response.status() + ": " + truncate(firstLine, 200) + "\n";
        }
        JsonNode problem = response.json().get();
        String code = JsonText.field(problem, "code").orElse("HTTP_" + response.status());
        String detail = JsonText.field(problem, "detail")
                .or(() -> JsonText.field(problem, "title"))
                .or(() -> JsonText.field(problem, "message"))
                .orElse("HTTP " + response.status());
        StringBuilder out = new StringBuilder("error ")
                .append(code)
                .append(": ")
                .append(detail)
                .append('\n');
        JsonNode errors = problem.get("errors");
        if (errors != null && errors.isArray() && !errors.isEmpty()) {
            out.append(errorList(errors));
        }
        return out.toString();
    }

    static String errorList(JsonNode errors) {
        if (all(errors, "file")) {
            Table table = Table.spaced("FILE:LINE", "CODE", "MESSAGE");
            for (JsonNode error : errors) {
                table.row(
                        location(error),
                        JsonText.field(error, "code").orElse(""),
                        JsonText.field(error, "message").orElse(""));
            }
            return table.render();
        }
        if (all(errors, "feature")) {
            return FeatureErrorTable.table(errors);
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode error : errors) {
            out.append("  - ").append(describe(error)).append('\n');
        }
        return out.toString();
    }

    private static String location(JsonNode error) {
        String file = JsonText.field(error, "file").orElse("");
        int line = error.path("line").asInt(0);
        return line > 0 ? file + ":" + line : file;
    }

    private static boolean all(JsonNode errors, String field) {
        for (JsonNode error : errors) {
            if (!error.isObject() || !error.hasNonNull(field)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonNode error) {
        if (!error.isObject()) {
            return JsonText.value(error);
        }
        String code = JsonText.field(error, "code").orElse("");
        String message = JsonText.field(error, "message").orElse("");
        List<String> rest = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = error.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("code")
                    && !field.getKey().equals("message")
                    && !field.getValue().isNull()) {
                rest.add(field.getKey() + "=" + JsonText.value(field.getValue()));
            }
        }
        StringBuilder text = new StringBuilder();
        if (!code.isEmpty()) {
            text.append(code).append(": ");
        }
        text.append(message);
        if (!rest.isEmpty()) {
            text.append(message.isEmpty() ? "" : " ")
                    .append('(')
                    .append(String.join(", ", rest))
                    .append(')');
        }
        return text.toString().strip();
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
