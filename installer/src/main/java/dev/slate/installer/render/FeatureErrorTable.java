package dev.slate.installer.render;

import com.fasterxml.jackson.databind.JsonNode;

/** The {@code FEATURE | CODE | MESSAGE} table of per-feature errors. */
final class FeatureErrorTable {
    private FeatureErrorTable() {}

    static String table(JsonNode errors) {
        Table table = Table.piped("FEATURE", "CODE", "MESSAGE");
        for (JsonNode error : errors) {
            table.row(
                    JsonText.field(error, "feature").orElse(""),
                    JsonText.field(error, "code").orElse(""),
                    JsonText.field(error, "message").orElse(""));
        }
        return table.render();
    }
}
