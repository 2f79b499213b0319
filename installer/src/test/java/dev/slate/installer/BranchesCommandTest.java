package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code slate apply --branch}, {@code slate branches} and {@code slate diff --branch} against the in-process fake of the REST API. */
class BranchesCommandTest {
    private static final String BRANCH = """
            {"environment": "qa", "name": "exp", "deployment_id": "b2", "role": "developer", "revision": 1,
             "created_at": "2026-12-07T01:00:00Z", "created_by": "alice", "updated_at": "2026-12-07T01:00:00Z"}
            """;

    @RegisterExtension
    final FakeSlateServer server = FakeSlateServer.perTest();

    @Test
    void applyToABranchSendsTheBranchAndRole(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("slate.yaml"), "project: p\n");
        server.answer(
                "POST",
                "/v1/deployments",
                201,
                "{\"id\": \"b2\", \"project\": \"p\", \"version\": 4, \"status\": \"INACTIVE\"}");

        CliRun run = server.cli("--env", "qa", "apply", dir.toString(), "--branch", "exp", "--role", "developer");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.last().query()).isEqualTo("branch=exp&role=developer");
        assertThat(server.last().header("X-Slate-Environment")).isEqualTo("qa");
        assertThat(run.out())
                .contains("to branch exp")
                .contains("limited to role developer")
                .contains("active deployment is unchanged");

        CliRun refused = server.cli("apply", dir.toString(), "--role", "developer");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("--branch");
    }

    @Test
    void branchesAreListedAndDeleted() {
        server.answer("GET", "/v1/branches", 200, "{\"environment\": \"qa\", \"branches\": [" + BRANCH + "]}");
        CliRun list = server.cli("--env", "qa", "branches");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("BRANCH").contains("exp").contains("b2").contains("developer");

        server.answer("DELETE", "/v1/branches/exp", 200, BRANCH);
        CliRun deleted = server.cli("--env", "qa", "branches", "delete", "exp");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("Deleted branch exp");

        server.answer(
                "DELETE",
                "/v1/branches/nope",
                404,
                "{\"code\": \"UNKNOWN_BRANCH\", \"status\": 404, \"detail\": \"environment 'qa' has no branch 'nope'\"}");
        CliRun unknown = server.cli("--env", "qa", "branches", "delete", "nope");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("UNKNOWN_BRANCH");
    }

    @Test
    void diffOfABranchComparesMainsActiveDeploymentWithTheBranchs() {
        server.answer("GET", "/v1/branches/exp", 200, BRANCH);
        server.answer(
                "GET",
                "/v1/deployments",
                200,
                "{\"environment\": \"qa\", \"active_deployment_id\": \"a1\", \"deployments\": []}");
        server.answer(
                "GET",
                "/v1/deployments/a1/diff/b2",
                200,
                "{\"features\": [{\"name\": \"user.tier\", \"change\": \"changed\", \"details\": [\"expression\"]}], \"resolvers\": []}");

        CliRun run = server.cli("--env", "qa", "diff", "--branch", "exp");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.last().path()).isEqualTo("/v1/deployments/a1/diff/b2");
        assertThat(run.out()).contains("~ user.tier");
    }
}
