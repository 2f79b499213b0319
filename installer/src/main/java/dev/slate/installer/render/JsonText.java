package dev.slate.installer.render;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Reads optional fields of JSON answers and shows JSON values as short text. */
public final class JsonText {
    private JsonText() {}

    /** The text of a field: strings unquoted, other values as compact JSON; empty when absent or null. */
    public static Optional<String> field(JsonNode node, String... path) {
        JsonNode current = node;
        for (String name : path) {
            if (current == null || !current.isObject()) {
                return Optional.empty();
            }
            current = current.get(name);
        }
        if (current == null || current.isNull() || current.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(value(current));
    }

    /** A value as the table shows it: strings unquoted, null as {@code null}, the rest as compact JSON. */
    public static String value(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        return value.toString();
    }
}
