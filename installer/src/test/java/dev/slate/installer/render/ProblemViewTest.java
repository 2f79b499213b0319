package dev.slate.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.installer.http.ApiResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProblemViewTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ApiResponse problem(int status, String json) throws Exception {
        return new ApiResponse(status, json, Optional.of(MAPPER.readTree(json)));
    }

    @Test
    void codeAndDetailWithoutErrors() throws Exception {
        assertThat(ProblemView.render(
                        problem(400, "{\"code\": \"PARSE_FAILED\", \"detail\": \"malformed JSON at 1:7\"}")))
                .isEqualTo("error PARSE_FAILED: malformed JSON at 1:7\n");
    }

    @Test
    void titleStandsInForAMissingDetailAndStatusForAMissingCode() throws Exception {
        assertThat(ProblemView.render(problem(405, "{\"title\": \"Method Not Allowed\"}")))
                .isEqualTo("error HTTP_405: Method Not Allowed\n");
    }

    @Test
    void otherErrorsAreListedOnePerLine() throws Exception {
        String text = ProblemView.render(problem(400, """
                {"code": "INVALID_QUERY", "detail": "bad input",
                 "errors": [{"code": "WRONG_TYPE", "message": "user.id must be an int", "input": "user.id"}, "plain"]}"""));

        assertThat(text).isEqualTo("""
                error INVALID_QUERY: bad input
                  - WRONG_TYPE: user.id must be an int (input=user.id)
                  - plain
                """);
    }

    @Test
    void emptyBodyIsNamed() {
        assertThat(ProblemView.render(new ApiResponse(500, "", Optional.empty())))
                .isEqualTo("error HTTP 500: (empty body)\n");
    }
}
