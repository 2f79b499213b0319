package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code slate aggregate backfill} against the in-process fake of the REST API. */
class AggregateCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ANSWER = """
            {"environment": "prod", "aggregation": "user.spend", "bucket": "1h", "rows": 1200, "observations": 4800,
             "covered_from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z", "took_ms": 85}
            """;

    @RegisterExtension
    final FakeSlateServer server = FakeSlateServer.perTest();

    @Test
    void backfillSendsTheRangeToTheFeaturesEndpointAndPrintsWhatItDid() throws Exception {
        server.answer("POST", "/v1/aggregations/user.spend/backfill", 200, ANSWER);

        CliRun run = server.cli(
                "aggregate",
                "backfill",
                "user.spend",
                "--from",
                "2026-05-01T00:00:00Z",
                "--to",
                "2026-06-01T00:00:00Z",
                "--environment",
                "prod");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode sent = MAPPER.readTree(server.last().body());
        assertThat(sent.get("from").asText()).isEqualTo("2026-05-01T00:00:00Z");
        assertThat(sent.get("to").asText()).isEqualTo("2026-06-01T00:00:00Z");
        assertThat(server.last().header("X-Slate-Environment")).isEqualTo("prod");
        assertThat(run.out())
                .contains("Backfilled user.spend (bucket 1h) in environment prod")
                .contains("1200 related rows")
                .contains("buckets complete from 2026-05-01T00:00:00Z");
    }

    @Test
    void withoutARangeTheBodyIsEmpty() throws Exception {
        server.answer("POST", "/v1/aggregations/user.spend/backfill", 200, ANSWER);

        CliRun run = server.cli("aggregate", "backfill", "user.spend");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(MAPPER.readTree(server.last().body()).isEmpty()).isTrue();
    }

    @Test
    void aBadTimeIsAUsageError() {
        CliRun run = server.cli("aggregate", "backfill", "user.spend", "--from", "yesterday");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--from must be an ISO-8601 instant");
    }

    @Test
    void aProblemIsPrintedAndExitsWithOne() {
        server.answer("POST", "/v1/aggregations/user.txn/backfill", 404, """
                {"code": "NOT_FOUND", "status": 404, "detail": "no aggregation user.txn in the active deployment"}
                """);

        CliRun run = server.cli("aggregate", "backfill", "user.txn");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("NOT_FOUND").contains("no aggregation user.txn");
    }
}
