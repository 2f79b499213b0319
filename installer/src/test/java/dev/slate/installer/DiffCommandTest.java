package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code slate diff} against the in-process fake of the REST API. */
class DiffCommandTest {
    @RegisterExtension
    final FakeSlateServer server = FakeSlateServer.perTest();

    @Test
    void printsAddedRemovedAndChanged() {
        server.answer("GET", "/v1/deployments/a1/diff/b2", 200, """
                {"environment": "qa", "from": "a1", "to": "b2",
                 "features": [{"name": "user.adult", "change": "added", "details": ["bool, expression age >= 18"]},
                              {"name": "user.domain", "change": "changed", "details": ["version: 1a -> 2b"]},
                              {"name": "user.old", "change": "removed", "details": ["int, ingestion"]}],
                 "resolvers": []}
                """);

        CliRun run = server.cli("diff", "a1", "b2", "--env", "qa");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.last().header("X-Slate-Environment")).isEqualTo("qa");
        assertThat(run.out())
                .contains("Features:")
                .contains("+ user.adult")
                .contains("~ user.domain")
                .contains("version: 1a -> 2b")
                .contains("- user.old")
                .doesNotContain("Resolvers:");
    }

    @Test
    void noDifferencesSaysSo() {
        server.answer("GET", "/v1/deployments/a1/diff/a1", 200, "{\"features\": [], \"resolvers\": []}");
        CliRun run = server.cli("diff", "a1", "a1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("No differences.\n");
    }
}
