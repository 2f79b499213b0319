package dev.slate.appliance.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The web layer's half of the error contract (docs/specs/rest-contract.md#errors): statuses and the JSON of each kind of entry. */
class ProblemTest {
    private static final Path CONTRACT = Path.of("../docs/specs/rest-contract.md");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** code → the status column of the contract's table of request errors. */
    private static Map<String, String> documentedStatuses() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([A-Z_]+)` \\| ([0-9, ]+) \\|").matcher(Files.readString(CONTRACT));
        while (m.find()) {
            out.put(m.group(1), m.group(2).strip());
        }
        return out;
    }

    @Test
    void everyRequestCodeHasTheDocumentedStatus() throws Exception {
        Map<String, String> documented = documentedStatuses();
        for (ErrorCode code : ErrorCode.values()) {
            if (code.scope() != ErrorCode.Scope.REQUEST) {
                continue;
            }
            assertThat(documented)
                    .as("docs/specs/rest-contract.md lists " + code)
                    .containsKey(code.name());
            assertThat(documented.get(code.name()).split(", ")[0])
                    .as("status of " + code)
                    .isEqualTo(String.valueOf(HttpStatuses.of(code)));
        }
        assertThat(documented.get("CONFLICT")).isEqualTo("409, 410, 429");
        assertThat(HttpStatuses.of(ErrorCode.CONFLICT, SlateException.Condition.GONE))
                .isEqualTo(410);
        assertThat(HttpStatuses.of(ErrorCode.CONFLICT, SlateException.Condition.BUSY))
                .isEqualTo(429);
    }

    @Test
    void eachKindOfEntryShowsOnlyItsOwnFields() throws Exception {
        SlateException e = new SlateException(
                ErrorCode.INVALID_QUERY,
                "three problems",
                List.of(
                        new ErrorDetail.Field("outputs", "user.emial", "unknown feature 'user.emial'"),
                        ErrorDetail.Field.of("recompute", "must be a list"),
                        new ErrorDetail.InProject(
                                "slate.yaml", 12, 7, ErrorCode.UNKNOWN_TYPE, "unknown type 'integer'"),
                        new ErrorDetail.Feature("user.ssn", ErrorCode.UNAUTHORIZED, "withheld")));
        JsonNode problem = JSON.valueToTree(Problem.of(e));
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("code").asText()).isEqualTo("INVALID_QUERY");
        assertThat(problem.get("type").asText()).isEqualTo("urn:slate:problem:invalid-query");
        JsonNode errors = problem.get("errors");
        assertThat(errors.get(0).toString())
                .isEqualTo(
                        "{\"field\":\"outputs\",\"name\":\"user.emial\",\"message\":\"unknown feature 'user.emial'\"}");
        assertThat(errors.get(1).toString()).isEqualTo("{\"field\":\"recompute\",\"message\":\"must be a list\"}");
        assertThat(errors.get(2).toString())
                .isEqualTo(
                        "{\"file\":\"slate.yaml\",\"line\":12,\"column\":7,\"code\":\"UNKNOWN_TYPE\",\"message\":\"unknown type 'integer'\"}");
        assertThat(errors.get(3).toString())
                .isEqualTo("{\"feature\":\"user.ssn\",\"code\":\"UNAUTHORIZED\",\"message\":\"withheld\"}");
    }

    @Test
    void aProblemWithoutDetailsHasNoErrorsField() {
        JsonNode problem = JSON.valueToTree(Problem.of(
                new SlateException(ErrorCode.CONFLICT, SlateException.Condition.GONE, "job x was cancelled")));
        assertThat(problem.get("status").asInt()).isEqualTo(410);
        assertThat(problem.has("errors")).isFalse();
    }
}
