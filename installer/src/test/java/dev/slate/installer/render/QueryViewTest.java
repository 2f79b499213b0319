package dev.slate.installer.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class QueryViewTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void millisecondsUseOneDecimalFromOneMillisecondAndTwoBelow() {
        assertThat(QueryView.milliseconds(0.0012)).isEqualTo("1.2 ms");
        assertThat(QueryView.milliseconds(0.01234)).isEqualTo("12.3 ms");
        assertThat(QueryView.milliseconds(0.00035)).isEqualTo("0.35 ms");
    }

    @Test
    void valuesOfEveryJsonKindAreShown() throws Exception {
        String text = QueryView.render(MAPPER.readTree("""
                {"data": [
                  {"field": "a.s", "value": "text", "meta": {"resolver": "r"}},
                  {"field": "a.i", "value": 7},
                  {"field": "a.b", "value": false},
                  {"field": "a.l", "value": [1, "x"]},
                  {"field": "a.n", "value": null}],
                 "errors": [], "meta": {"query_id": "q"}}"""), false);

        assertThat(text).isEqualTo("""
                FEATURE | VALUE   | CACHED | RESOLVER
                a.s     | text    |        | r
                a.i     | 7       |        |
                a.b     | false   |        |
                a.l     | [1,"x"] |        |
                a.n     | null    |        |

                query_id q
                """);
    }

    @Test
    void footerNamesTheDeploymentVersionWhenGiven() throws Exception {
        assertThat(
                        QueryView.footer(
                                MAPPER.readTree(
                                        "{\"query_id\": \"q\", \"execution_duration_s\": 0.0001, \"deployment_id\": \"d\", \"deployment_version\": 3}")))
                .isEqualTo("query_id q in 0.10 ms (deployment d v3)");
    }

    @Test
    void explainWithoutAPlanSaysSo() throws Exception {
        String text = QueryView.render(
                MAPPER.readTree("{\"data\": [], \"meta\": {\"query_id\": \"q\", \"explain_output\": null}}"), true);

        assertThat(text).endsWith("query_id q\n\n(the server returned no plan)\n");
    }
}
