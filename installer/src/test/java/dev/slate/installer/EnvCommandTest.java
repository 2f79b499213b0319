package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code slate env} against the in-process fake of the REST API. */
class EnvCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String QA = """
            {"name": "qa", "description": "quality", "mode": "autoscaled", "replicas": 2, "max_replicas": 5, "online_namespace": "qa",
             "offline_namespace": "qa", "active_deployment_id": null, "generation": 2, "created_at": "2026-12-06T10:00:00Z",
             "created_by": "alice", "updated_at": "2026-12-06T10:00:00Z",
             "status": {"state": "READY", "observed_generation": 2, "ready_replicas": 2,
                        "conditions": [{"type": "Ready", "status": "True", "reason": "ReplicasReady", "message": "2 of 2 serving replicas ready",
                                        "last_transition_time": "2026-12-06T10:00:01Z"}], "updated_at": "2026-12-06T10:00:01Z"}}
            """;

    @RegisterExtension
    final FakeSlateServer server = FakeSlateServer.perTest();

    @Test
    void createSendsTheSpecAndDescribesTheAnswer() throws Exception {
        server.answer("POST", "/v1/environments", 201, QA);

        CliRun run =
                server.cli("env", "create", "qa", "--description", "quality", "--replicas", "2", "--max-replicas", "5");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode sent = MAPPER.readTree(server.last().body());
        assertThat(sent.toString())
                .isEqualTo("{\"name\":\"qa\",\"description\":\"quality\",\"replicas\":2,\"max_replicas\":5}");
        assertThat(run.out())
                .contains("Created Environment qa")
                .contains("autoscaled 2..5")
                .contains("READY")
                .contains("condition Ready")
                .contains("2 of 2 serving replicas ready");
    }

    @Test
    void createSendsTheChosenNamespacesAndDescribeShowsThem() throws Exception {
        server.answer(
                "POST",
                "/v1/environments",
                201,
                QA.replace(
                        "\"online_namespace\": \"qa\",",
                        "\"online_namespace\": \"qa_values\", \"online_database\": 3,"));

        CliRun run = server.cli(
                "env",
                "create",
                "qa",
                "--online-namespace",
                "qa_values",
                "--online-database",
                "3",
                "--offline-namespace",
                "qa_log",
                "--offline-table-namespace",
                "qa");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(MAPPER.readTree(server.last().body()).toString())
                .isEqualTo("{\"name\":\"qa\",\"online_namespace\":\"qa_values\","
                        + "\"online_database\":3,\"offline_namespace\":\"qa_log\",\"offline_table_namespace\":\"qa\"}");
        assertThat(run.out()).contains("qa_values (Redis database 3)");
    }

    @Test
    void listIsTheDefaultAndPrintsATable() {
        server.answer("GET", "/v1/environments", 200, "{\"environments\": [" + QA + "]}");

        CliRun run = server.cli("env");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("NAME")
                .contains("qa")
                .contains("autoscaled")
                .contains("2..5")
                .contains("READY");
    }

    @Test
    void patchSendsOnlyWhatIsGiven() throws Exception {
        server.answer("PATCH", "/v1/environments/qa", 200, QA);

        CliRun run = server.cli("env", "patch", "qa", "--replicas", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.last().method()).isEqualTo("PATCH");
        assertThat(MAPPER.readTree(server.last().body()).toString()).isEqualTo("{\"replicas\":3}");
    }

    @Test
    void deleteNeedsConfirmAndPassesForce() {
        CliRun refused = server.cli("env", "delete", "qa");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--confirm");

        server.answer("DELETE", "/v1/environments/qa", 200, QA);
        CliRun run = server.cli("env", "delete", "qa", "--confirm", "qa", "--force");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.last().query()).isEqualTo("confirm=qa&force=true");
        assertThat(run.out()).contains("Deleted environment qa");
    }

    @Test
    void aProblemIsPrintedAndExitsWithOne() {
        server.answer("DELETE", "/v1/environments/qa", 409, """
                {"code": "CONFLICT", "status": 409, "detail": "environment 'qa' serves traffic (active deployment d-1); add force=true to stop serving it and delete it"}
                """);

        CliRun run = server.cli("env", "delete", "qa", "--confirm", "qa");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("CONFLICT").contains("serves traffic");
    }
}
