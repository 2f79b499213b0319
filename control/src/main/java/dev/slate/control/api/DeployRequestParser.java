package dev.slate.control.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the JSON deploy request itself, so that every way it can be wrong is a PARSE_FAILED
 * problem with a precise message: malformed JSON (with line and column), a duplicated key, unknown
 * fields (a misspelled {@code activate} must not go unnoticed), and values of the wrong type.
 */
final class DeployRequestParser {
    private static final Set<String> FIELDS = Set.of("files", "activate");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private DeployRequestParser() {}

    static DeployRequest parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new SlateException(ErrorCode.PARSE_FAILED, "the request body could not be read as JSON", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "the request body is empty; expected {\"files\": {\"slate.yaml\": \"...\"}, \"activate\": true}");
        }
        if (!root.isObject()) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "the request body must be a JSON object: {\"files\": {\"slate.yaml\": \"...\"}, \"activate\": true}");
        }
        for (var names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new SlateException(
                        ErrorCode.PARSE_FAILED,
                        "unknown field '" + shown(name) + "'; a deploy request has the fields 'files' and 'activate'");
            }
        }
        return new DeployRequest(files(root.get("files")), activate(root.get("activate")));
    }

    private static Map<String, String> files(JsonNode files) {
        if (files == null || files.isNull()) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "'files' is required: an object of file name to file text, e.g. {\"slate.yaml\": \"project: demo ...\"}");
        }
        if (!files.isObject()) {
            throw new SlateException(ErrorCode.PARSE_FAILED, "'files' must be an object of file name to file text");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : files.properties()) {
            if (!field.getValue().isTextual()) {
                throw new SlateException(
                        ErrorCode.PARSE_FAILED,
                        "files['" + shown(field.getKey()) + "'] must be a string (the file's text)");
            }
            result.put(field.getKey(), field.getValue().textValue());
        }
        return result;
    }

    private static Optional<Boolean> activate(JsonNode activate) {
        if (activate == null || activate.isNull()) {
            return Optional.empty();
        }
        if (!activate.isBoolean()) {
            throw new SlateException(ErrorCode.PARSE_FAILED, "'activate' must be true or false");
        }
        return Optional.of(activate.booleanValue());
    }

    private static SlateException malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where =
                at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String reason = e.getOriginalMessage() == null
                ? ""
                : ": " + shown(e.getOriginalMessage().lines().findFirst().orElse(""));
        return new SlateException(ErrorCode.PARSE_FAILED, "malformed JSON" + where + reason);
    }

    private static String shown(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
