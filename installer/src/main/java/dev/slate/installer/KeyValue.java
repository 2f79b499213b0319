package dev.slate.installer;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A {@code key=value} argument ({@code --in user.id=1}). The value is JSON when it parses as JSON
 * ({@code 1}, {@code 2.5}, {@code true}, {@code "007"}, {@code [1,2]}), otherwise the plain string.
 */
public record KeyValue(String key, JsonNode value) {
    private static final ObjectMapper STRICT =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public KeyValue {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
    }

    /**
     * Splits at the first {@code =}.
     *
     * @throws IllegalArgumentException when there is no {@code =} or the key is empty
     */
    public static KeyValue parse(String argument) {
        int eq = argument.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected KEY=VALUE, got '" + argument + "'");
        }
        String key = argument.substring(0, eq).strip();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("expected KEY=VALUE, got '" + argument + "'");
        }
        return new KeyValue(key, parseValue(argument.substring(eq + 1)));
    }

    /** JSON when the whole text is one JSON value, else the text itself. */
    public static JsonNode parseValue(String text) {
        if (text.isBlank()) {
            return TextNode.valueOf(text);
        }
        try {
            JsonNode node = STRICT.readTree(text);
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }
}
