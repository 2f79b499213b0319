package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code slate materialize} against the in-process fake of the REST API. */
class MaterializeCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ANSWER = """
            {"environment": "prod", "deployment_id": "d-1", "as_of": "2026-11-29T10:00:00Z", "values": 42, "took_ms": 17,
             "features": [{"feature": "user.credit_score", "version": "3f2a", "incremental": true, "values": 40},
                          {"feature": "user.segment", "version": "9c1d", "incremental": false, "values": 2}]}
            """;

    @RegisterExtension
    final FakeSlateServer server = FakeSlateServer.perTest();

    @Test
    void withoutOptionsItAsksForTheMarkedFeaturesAndPrintsATable() throws Exception {
        server.answer("POST", "/v1/materialize", 200, ANSWER);

        CliRun run = server.cli("materialize", "--env", "prod");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode sent = MAPPER.readTree(server.last().body());
        assertThat(sent.isEmpty())
                .as("empty body: every marked feature, incrementally")
                .isTrue();
        assertThat(server.last().header("X-Slate-Environment")).isEqualTo("prod");
        assertThat(run.out())
                .contains("user.credit_score")
                .contains("new data")
                .contains("40")
                .contains("user.segment")
                .contains("all data")
                .contains("42 values loaded into the online store of environment prod");
    }

    @Test
    void featuresAndFullAreSent() throws Exception {
        server.answer("POST", "/v1/materialize", 200, ANSWER);

        CliRun run = server.cli("materialize", "--feature", "user.credit_score", "--feature", "user.segment", "--full");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode sent = MAPPER.readTree(server.last().body());
        assertThat(sent.get("features").toString()).isEqualTo("[\"user.credit_score\",\"user.segment\"]");
        assertThat(sent.get("full").booleanValue()).isTrue();
    }

    @Test
    void aProblemIsPrintedAndExitsWithOne() {
        server.answer("POST", "/v1/materialize", 400, """
                {"code": "INVALID_QUERY", "status": 400, "detail": "unknown feature 'user.scor' (did you mean 'user.score'?)",
                 "errors": [{"field": "features", "name": "user.scor", "message": "unknown feature 'user.scor' (did you mean 'user.score'?)"}]}
                """);

        CliRun run = server.cli("materialize", "--feature", "user.scor");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("INVALID_QUERY").contains("did you mean 'user.score'");
    }

    @Test
    void jsonPrintsTheAnswer() throws Exception {
        server.answer("POST", "/v1/materialize", 200, ANSWER);

        CliRun run = server.cli("materialize", "--json");

        assertThat(run.exitCode()).isZero();
        assertThat(MAPPER.readTree(run.out()).get("values").asLong()).isEqualTo(42);
    }

    @Test
    void nothingMarkedSaysSo() {
        server.answer("POST", "/v1/materialize", 200, """
                {"environment": "default", "deployment_id": "d", "as_of": "2026-11-29T10:00:00Z", "values": 0, "took_ms": 1, "features": []}
                """);

        CliRun run = server.cli("materialize");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("No feature of environment default is marked etl_offline_to_online");
    }
}
