package dev.slate.control.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployRequestParserTest {

    @Test
    void readsFilesAndActivate() {
        DeployRequest request =
                parse("{\"files\": {\"slate.yaml\": \"project: a\\n\", \"x.sql\": \"SELECT 1\"}, \"activate\": false}");

        assertThat(request.files()).isEqualTo(Map.of("slate.yaml", "project: a\n", "x.sql", "SELECT 1"));
        assertThat(request.activate()).contains(false);
    }

    @Test
    void activateIsOptional() {
        assertThat(parse("{\"files\": {}}").activate()).isEmpty();
        assertThat(parse("{\"files\": {}, \"activate\": null}").activate()).isEmpty();
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertParseFailed("{\"files\": {\n  \"slate.yaml\": \"x\",,\n}}", "malformed JSON at line 2, column");
        assertParseFailed("{\"files\": {\"a.yaml\": \"x\"}", "malformed JSON");
        assertParseFailed("{\"files\": {}} trailing", "malformed JSON");
    }

    @Test
    void rejectsWrongShapes() {
        assertParseFailed("", "empty");
        assertParseFailed("[1, 2]", "must be a JSON object");
        assertParseFailed("{}", "'files' is required");
        assertParseFailed("{\"files\": [\"slate.yaml\"]}", "'files' must be an object");
        assertParseFailed("{\"files\": {\"slate.yaml\": 5}}", "files['slate.yaml'] must be a string");
        assertParseFailed("{\"files\": {}, \"activate\": \"yes\"}", "'activate' must be true or false");
    }

    @Test
    void rejectsUnknownFieldsSoThatATypoIsNoticed() {
        assertParseFailed("{\"files\": {}, \"activte\": false}", "unknown field 'activte'");
    }

    @Test
    void rejectsADuplicatedFileName() {
        assertParseFailed("{\"files\": {\"slate.yaml\": \"a\", \"slate.yaml\": \"b\"}}", "slate.yaml");
    }

    private static DeployRequest parse(String json) {
        return DeployRequestParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertParseFailed(String json, String messagePart) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(
                        SlateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PARSE_FAILED))
                .hasMessageContaining(messagePart);
    }
}
