package dev.slate.installer.render;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Renders an online query answer: the {@code FEATURE | VALUE | CACHED | RESOLVER} table, the
 * {@code FEATURE | CODE | MESSAGE} table when some features failed, and a footer line with the
 * query id, the server-side duration and the deployment.
 */
public final class QueryView {
    private QueryView() {}

    public static String render(JsonNode response, boolean explain) {
        StringBuilder out = new StringBuilder();
        Table values = Table.piped("FEATURE", "VALUE", "CACHED", "RESOLVER");
        for (JsonNode row : response.path("data")) {
            values.row(
                    JsonText.field(row, "field").orElse(""),
                    JsonText.value(row.get("value")),
                    cached(row.path("meta").get("cache_hit")),
                    JsonText.field(row, "meta", "resolver").orElse(""));
        }
        out.append(values.render());
        JsonNode errors = response.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            out.append('\n').append(FeatureErrorTable.table(errors));
        }
        JsonNode meta = response.path("meta");
        out.append('\n').append(footer(meta)).append('\n');
        if (explain) {
            out.append('\n').append(JsonText.field(meta, "explain_output").orElse("(the server returned no plan)"));
            if (out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
        }
        return out.toString();
    }

    static String footer(JsonNode meta) {
        StringBuilder line = new StringBuilder("query_id ")
                .append(JsonText.field(meta, "query_id").orElse("?"));
        JsonNode seconds = meta.get("execution_duration_s");
        if (seconds != null && seconds.isNumber()) {
            line.append(" in ").append(milliseconds(seconds.doubleValue()));
        }
        JsonText.field(meta, "deployment_id").ifPresent(id -> {
            line.append(" (deployment ").append(id);
            int version = meta.path("deployment_version").asInt(0);
            if (version > 0) {
                line.append(" v").append(version);
            }
            line.append(')');
        });
        return line.toString();
    }

    /** Seconds as milliseconds: one decimal from 1 ms up, two below (0.35 ms). */
    static String milliseconds(double seconds) {
        double ms = seconds * 1000.0;
        return String.format(Locale.ROOT, ms >= 1.0 ? "%.1f ms" : "%.2f ms", ms);
    }

    private static String cached(JsonNode cacheHit) {
        if (cacheHit == null || !cacheHit.isBoolean()) {
            return "";
        }
        return cacheHit.booleanValue() ? "yes" : "no";
    }
}
