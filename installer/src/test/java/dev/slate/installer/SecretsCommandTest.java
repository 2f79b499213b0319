package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code slate secrets} against the in-process fake of the REST API: the environment travels as the header, values never print. */
class SecretsCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    final FakeSlateServer server = FakeSlateServer.perTest();

    @Test
    void putReadsTheValueFromAFileAndSendsItForTheChosenEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("value");
        Files.writeString(file, "s3cr3t-value\n");
        server.answer(
                "PUT",
                "/v1/secrets/db_password",
                201,
                "{\"name\": \"db_password\", \"key_id\": \"k-0123456789ab\", \"updated_at\": \"2026-12-07T01:00:00Z\", \"updated_by\": \"alice\", \"current_key\": true}");

        CliRun run = server.cli("--env", "qa", "secrets", "put", "db_password", "--value-file", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.last().headers().get("X-slate-environment")).containsExactly("qa");
        assertThat(MAPPER.readTree(server.last().body()).path("value").asText()).isEqualTo("s3cr3t-value");
        assertThat(run.out()).contains("Stored secret db_password").doesNotContain("s3cr3t-value");
    }

    @Test
    void listShowsTheEnvironmentsSecretsAndDeleteSendsTheHeader() {
        server.answer("GET", "/v1/secrets", 200, """
                {"environment": "prod", "key_id": "k-0123456789ab", "secrets": [{"name": "api_token", "key_id": "k-0123456789ab",
                 "updated_at": "2026-12-07T01:00:00Z", "updated_by": null, "current_key": true}]}
                """);
        CliRun list = server.cli("--env", "prod", "secrets");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out())
                .contains("Secrets of environment prod")
                .contains("api_token")
                .contains("k-0123456789ab");
        assertThat(server.last().headers().get("X-slate-environment")).containsExactly("prod");

        server.answer("DELETE", "/v1/secrets/api_token", 204, "");
        CliRun deleted = server.cli("--env", "prod", "secrets", "delete", "api_token");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("Deleted secret api_token");
        assertThat(server.last().method()).isEqualTo("DELETE");
    }

    @Test
    void aValueIsNeverTakenFromTheCommandLine() {
        CliRun run = server.cli("secrets", "put", "db_password");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--value-file");
    }
}
