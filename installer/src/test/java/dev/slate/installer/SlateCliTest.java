package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against an in-process fake of the REST API. */
class SlateCliTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String QUERY_ANSWER = """
            {"data": [
              {"field": "user.email_domain", "value": "example.com", "pkey": 1, "ts": "2026-01-01T00:00:00Z",
               "meta": {"resolver": "user_profile", "cache_hit": false}, "error": null},
              {"field": "user.risk_score", "value": 0.25, "pkey": 1, "ts": "2026-01-01T00:00:00Z",
               "meta": {"resolver": "risk", "cache_hit": true}, "error": null},
              {"field": "user.credit_score", "value": null, "pkey": 1, "ts": null,
               "meta": {"resolver": "credit_score", "cache_hit": false},
               "error": {"code": "RESOLVER_FAILED", "message": "connection reset"}}],
             "errors": [{"code": "RESOLVER_FAILED", "category": "FIELD", "feature": "user.credit_score",
                         "resolver": "credit_score", "message": "connection reset"}],
             "meta": {"query_id": "q-123", "execution_duration_s": 0.0012, "deployment_id": "d-7",
                      "environment": "default", "plan_hash": "abc", "explain_output": "Plan\\n  fetch user_profile(user.id)"}}
            """;

    @RegisterExtension
    final FakeSlateServer server = FakeSlateServer.perTest();

    @TempDir
    Path temp;

    private Path project() throws IOException {
        Path dir = temp.resolve("fraud");
        Files.createDirectories(dir.resolve("resolvers"));
        Files.writeString(dir.resolve("slate.yaml"), "project: fraud\n");
        Files.writeString(dir.resolve("resolvers/users.sql"), "-- resolves: user\nSELECT 1\n");
        Files.writeString(dir.resolve("README.md"), "not part of the project");
        return dir;
    }

    @Test
    void applyPostsEveryProjectFileAndPrintsTheDeployment() throws Exception {
        server.answer("POST", "/v1/deployments", 201, """
                {"id": "d-3", "project": "fraud", "version": 3, "status": "ACTIVE", "content_hash": "sha256:ab"}""");

        CliRun run = server.cli("apply", project().toString());

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo("Deployed fraud v3 (id d-3) \u2014 active\n");
        JsonNode sent = MAPPER.readTree(server.last().body());
        assertThat(server.last().method()).isEqualTo("POST");
        assertThat(sent.get("activate").booleanValue()).isTrue();
        assertThat(sent.get("files").size()).isEqualTo(2);
        assertThat(sent.get("files").get("slate.yaml").asText()).isEqualTo("project: fraud\n");
        assertThat(sent.get("files").get("resolvers/users.sql").asText()).startsWith("-- resolves: user");
        assertThat(server.last().header("Content-Type")).startsWith("application/json");
    }

    @Test
    void applyNoActivateSaysSo() throws Exception {
        server.answer("POST", "/v1/deployments", 201, """
                {"id": "d-4", "project": "fraud", "version": 4, "status": "VALIDATED"}""");

        CliRun run = server.cli("apply", project().toString(), "--no-activate");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(MAPPER.readTree(server.last().body()).get("activate").booleanValue())
                .isFalse();
        assertThat(run.out()).isEqualTo("Deployed fraud v4 (id d-4) \u2014 validated, not active\n");
    }

    @Test
    void applyOfUnchangedContentSaysNothingNewWasStored() throws Exception {
        server.answer("POST", "/v1/deployments", 200, """
                {"id": "d-3", "environment": "default", "project": "fraud", "version": 3, "status": "ACTIVE", "unchanged": true}""");

        CliRun run = server.cli("apply", project().toString());

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out())
                .isEqualTo("Deployed fraud v3 (id d-3) \u2014 active (same content as before: nothing new stored)\n");
    }

    @Test
    void applyPrintsOneTableRowPerProblemAndFails() throws Exception {
        server.answer("POST", "/v1/deployments", 422, """
                {"type": "https://slate.dev/problems/validation-failed", "title": "Validation failed", "status": 422,
                 "code": "VALIDATION_FAILED", "detail": "the project has 2 problems",
                 "errors": [
                   {"file": "slate.yaml", "line": 12, "column": 7, "code": "UNKNOWN_TYPE", "message": "unknown type 'integer' (did you mean 'int'?)"},
                   {"file": "resolvers/users.sql", "line": 0, "column": 0, "code": "UNKNOWN_FEATURE", "message": "user.emial is not declared"}]}""");

        CliRun run = server.cli("apply", project().toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("""
                error VALIDATION_FAILED: the project has 2 problems
                FILE:LINE            CODE             MESSAGE
                slate.yaml:12        UNKNOWN_TYPE     unknown type 'integer' (did you mean 'int'?)
                resolvers/users.sql  UNKNOWN_FEATURE  user.emial is not declared
                """);
    }

    @Test
    void applyOfAMissingDirectoryFailsWithoutCallingTheServer() {
        CliRun run = server.cli("apply", temp.resolve("nope").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is not a directory");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void querySendsTypedInputsAndPrintsTables() throws Exception {
        server.answer("POST", "/v1/query/online", 200, QUERY_ANSWER);

        CliRun run = server.cli(
                "query",
                "--in",
                "user.id=1",
                "--in",
                "user.name=ann",
                "--out",
                "user.email_domain",
                "--out",
                "user.risk_score",
                "--out",
                "user.credit_score",
                "--staleness",
                "user.credit_score=0s",
                "--now",
                "2026-01-01T00:00:00Z");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo("""
                FEATURE           | VALUE       | CACHED | RESOLVER
                user.email_domain | example.com | no     | user_profile
                user.risk_score   | 0.25        | yes    | risk
                user.credit_score | null        | no     | credit_score

                FEATURE           | CODE            | MESSAGE
                user.credit_score | RESOLVER_FAILED | connection reset

                query_id q-123 in 1.2 ms (deployment d-7)
                """);
        JsonNode sent = MAPPER.readTree(server.last().body());
        assertThat(sent.get("inputs").get("user.id").isIntegralNumber()).isTrue();
        assertThat(sent.get("inputs").get("user.id").asLong()).isEqualTo(1L);
        assertThat(sent.get("inputs").get("user.name").asText()).isEqualTo("ann");
        assertThat(sent.get("outputs")).hasSize(3);
        assertThat(sent.get("outputs").get(0).asText()).isEqualTo("user.email_domain");
        assertThat(sent.get("staleness").get("user.credit_score").asText()).isEqualTo("0s");
        assertThat(sent.get("now").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(sent.get("include_meta").booleanValue()).isTrue();
        assertThat(sent.get("explain").booleanValue()).isFalse();
    }

    @Test
    void queryJsonPrintsTheRawAnswerPretty() throws Exception {
        server.answer("POST", "/v1/query/online", 200, QUERY_ANSWER);

        CliRun run = server.cli("query", "--in", "user.id=1", "--out", "user.email_domain", "--json");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(MAPPER.readTree(run.out())).isEqualTo(MAPPER.readTree(QUERY_ANSWER));
        assertThat(run.out()).contains("\n  \"data\"");
    }

    @Test
    void jsonOptionWorksBeforeTheSubcommandToo() throws Exception {
        server.answer("POST", "/v1/query/online", 200, QUERY_ANSWER);

        CliRun run = CliRun.of(
                "--json",
                "--url",
                server.url().toString(),
                "--env",
                "staging",
                "query",
                "--in",
                "user.id=1",
                "--out",
                "user.email_domain");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(MAPPER.readTree(run.out())).isEqualTo(MAPPER.readTree(QUERY_ANSWER));
        assertThat(server.last().header("X-Slate-Environment")).isEqualTo("staging");
    }

    @Test
    void environmentHeaderAfterTheSubcommand() {
        server.answer("POST", "/v1/query/online", 200, QUERY_ANSWER);

        CliRun run = server.cli("query", "--in", "user.id=1", "--out", "user.email_domain", "--env", "prod");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(server.last().header("X-Slate-Environment")).isEqualTo("prod");
    }

    @Test
    void noEnvironmentHeaderByDefault() {
        server.answer("POST", "/v1/query/online", 200, QUERY_ANSWER);

        server.cli("query", "--in", "user.id=1", "--out", "user.email_domain");

        assertThat(server.last().header("X-Slate-Environment")).isNull();
    }

    @Test
    void queryExplainAsksForThePlanAndPrintsIt() throws Exception {
        server.answer("POST", "/v1/query/online", 200, QUERY_ANSWER);

        CliRun run = server.cli("query", "--in", "user.id=1", "--out", "user.email_domain", "--explain");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(MAPPER.readTree(server.last().body()).get("explain").booleanValue())
                .isTrue();
        assertThat(run.out())
                .endsWith("query_id q-123 in 1.2 ms (deployment d-7)\n\nPlan\n  fetch user_profile(user.id)\n");
    }

    @Test
    void queryProblemIsPrintedWithItsCodeAndFails() {
        server.answer("POST", "/v1/query/online", 400, """
                {"type": "about:blank", "title": "Invalid query", "status": 400, "code": "INVALID_QUERY",
                 "detail": "unknown feature user.emial_domain (did you mean user.email_domain?)",
                 "errors": [{"code": "UNKNOWN_FEATURE", "feature": "user.emial_domain", "message": "did you mean user.email_domain?"}]}""");

        CliRun run = server.cli("query", "--in", "user.id=1", "--out", "user.emial_domain");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("""
                error INVALID_QUERY: unknown feature user.emial_domain (did you mean user.email_domain?)
                FEATURE           | CODE            | MESSAGE
                user.emial_domain | UNKNOWN_FEATURE | did you mean user.email_domain?
                """);
    }

    @Test
    void queryProblemWithJsonPrintsTheProblemAndFails() throws Exception {
        String problem = "{\"code\":\"NO_ACTIVE_DEPLOYMENT\",\"status\":503,\"detail\":\"nothing deployed\"}";
        server.answer("POST", "/v1/query/online", 503, problem);

        CliRun run = server.cli("--json", "query", "--in", "user.id=1", "--out", "user.x");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(MAPPER.readTree(run.out())).isEqualTo(MAPPER.readTree(problem));
    }

    @Test
    void nonJsonErrorIsReportedWithItsStatus() {
        server.answerText("POST", "/v1/query/online", 502, "Bad Gateway\nfrom proxy");

        CliRun run = server.cli("query", "--in", "user.id=1", "--out", "user.x");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error HTTP 502: Bad Gateway\n");
    }

    @Test
    void connectionRefusedSaysSlateIsNotReachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;

        CliRun run = CliRun.of("--url", url, "query", "--in", "user.id=1", "--out", "user.email_domain");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: Slate is not reachable at " + url + " \u2014 is `slate up` running?\n");
    }

    @Test
    void slateUrlFromTheEnvironmentIsUsedWhenNoOptionIsGiven() {
        server.answer("POST", "/v1/query/online", 200, QUERY_ANSWER);

        CliRun run = CliRun.of(
                Map.of("SLATE_URL", server.url().toString()),
                "query",
                "--in",
                "user.id=1",
                "--out",
                "user.email_domain");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void urlOptionWinsOverTheEnvironment() {
        server.answer("POST", "/v1/query/online", 200, QUERY_ANSWER);

        CliRun run = CliRun.of(
                Map.of("SLATE_URL", "http://127.0.0.1:1"),
                "--url",
                server.url().toString(),
                "query",
                "--in",
                "user.id=1",
                "--out",
                "user.email_domain");

        assertThat(run.exitCode()).isEqualTo(0);
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(server.cli("query", "--in", "user.id=1").exitCode())
                .isEqualTo(2); // --out or --query-name is required
        assertThat(server.cli("query", "--in", "user.id", "--out", "user.x").exitCode())
                .isEqualTo(2);
        assertThat(server.cli("query", "--in", "user.id=1", "--in", "user.id=2", "--out", "user.x")
                        .exitCode())
                .isEqualTo(2);
        assertThat(server.cli("query", "--out", "user.x", "--staleness", "user.x=")
                        .exitCode())
                .isEqualTo(2);
        assertThat(server.cli("frobnicate").exitCode()).isEqualTo(2);
        assertThat(server.cli("apply").exitCode()).isEqualTo(2);
        assertThat(server.cli("up", "--port", "70000").exitCode()).isEqualTo(2);
        assertThat(server.requests).isEmpty();
    }

    @Test
    void usageErrorNamesTheProblem() {
        CliRun run = server.cli("query", "--in", "user.id", "--out", "user.x");

        assertThat(run.err()).contains("--in: expected KEY=VALUE, got 'user.id'");
    }

    @Test
    void invalidUrlIsReported() {
        CliRun run = CliRun.of("--url", "localhost:8080", "deployments");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("invalid Slate URL 'localhost:8080'");
    }

    @Test
    void deploymentsListsTheDeploymentsWithTheActiveOneMarked() {
        server.answer("GET", "/v1/deployments", 200, """
                {"environment": "default", "active_deployment_id": "d-2", "deployments": [
                  {"id": "d-2", "project": "fraud", "version": 2, "status": "ACTIVE", "created_at": "2026-01-02T00:00:00Z",
                   "activated_at": "2026-01-02T00:00:01Z", "content_hash": "sha256:0123456789abcdef0123"},
                  {"id": "d-1", "project": "fraud", "version": 1, "status": "INACTIVE", "created_at": "2026-01-01T00:00:00Z",
                   "activated_at": null, "content_hash": "sha256:fedcba9876543210"}]}""");

        CliRun run = server.cli("deployments");
        CliRun list = server.cli("deployments", "list");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo("""
                ID   PROJECT  VERSION  STATUS    CREATED               ACTIVATED             HASH
                d-2  fraud    2        * ACTIVE  2026-01-02T00:00:00Z  2026-01-02T00:00:01Z  0123456789ab
                d-1  fraud    1        INACTIVE  2026-01-01T00:00:00Z                        fedcba987654
                """);
        assertThat(list.out()).isEqualTo(run.out());
    }

    @Test
    void deploymentsMarksTheActiveIdEvenWithoutAStatus() {
        server.answer("GET", "/v1/deployments", 200, """
                {"environment": "default", "active_deployment_id": "d-1", "deployments": [
                  {"id": "d-2", "project": "fraud", "version": 2}, {"id": "d-1", "project": "fraud", "version": 1}]}""");

        CliRun run = server.cli("deployments");

        assertThat(run.out().lines().toList())
                .containsExactly(
                        "ID   PROJECT  VERSION  STATUS    CREATED  ACTIVATED  HASH",
                        "d-2  fraud    2",
                        "d-1  fraud    1        * active");
    }

    @Test
    void noDeploymentsYet() {
        server.answer(
                "GET",
                "/v1/deployments",
                200,
                "{\"environment\": \"default\", \"active_deployment_id\": null, \"deployments\": []}");

        CliRun run = server.cli("deployments");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo("No deployments yet. Deploy a project with `slate apply DIR`.\n");
    }

    @Test
    void deploymentsAcceptsAPlainArray() {
        server.answer(
                "GET",
                "/v1/deployments",
                200,
                "[{\"id\": \"d-1\", \"project\": \"fraud\", \"version\": 1, \"active\": true}]");

        CliRun run = server.cli("deployments");

        assertThat(run.out()).contains("d-1  fraud    1        * active");
    }

    @Test
    void activateRollsBack() {
        server.answer(
                "POST",
                "/v1/deployments/d-1/activate",
                200,
                "{\"id\": \"d-1\", \"project\": \"fraud\", \"version\": 1, \"status\": \"ACTIVE\"}");

        CliRun run = server.cli("deployments", "activate", "d-1");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo("Activated fraud v1 (id d-1) \u2014 active\n");
        assertThat(server.last().method()).isEqualTo("POST");
    }

    @Test
    void activatingAnUnknownDeploymentFails() {
        server.answer(
                "POST",
                "/v1/deployments/nope/activate",
                404,
                "{\"code\": \"NOT_FOUND\", \"status\": 404, \"detail\": \"no deployment nope\"}");

        CliRun run = server.cli("deployments", "activate", "nope");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error NOT_FOUND: no deployment nope\n");
    }

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).contains("up", "apply", "query", "deployments");
    }
}
