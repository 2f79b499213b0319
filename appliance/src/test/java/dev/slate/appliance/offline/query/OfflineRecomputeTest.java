package dev.slate.appliance.offline.query;

import static dev.slate.appliance.offline.query.OfflineQueryClient.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recompute} over REST: recomputed outputs re-run their PostgreSQL resolver and CEL expression per
 * spine row (an ingested input read point-in-time from the log), logged outputs still come from the log, a
 * failing resolver leaves a null and a {@code feature_errors} summary in the job, and bad values are 400s.
 */
@QuarkusTest
class OfflineRecomputeTest {

    private static final String PROJECT = """
            project: recompute
            sources:
              appdb: {kind: postgres, url: "%s", username: postgres}
            entities:
              user:
                key: id
                features:
                  id: int
                  score: {type: float, ingested: true}
                  double_score: {type: float, expression: "score * 2.0"}
                  tenfold: int
                  label: {type: string, expression: "'u' + string(tenfold)"}
                  inverse: int
            resolvers:
              - name: tenfold
                source: appdb
                sql: "SELECT CAST(:id AS bigint) * 10 AS tenfold"
              - name: inverse
                source: appdb
                sql: "SELECT 100 / (CAST(:id AS bigint) - 2) AS inverse"
            """.formatted(TestServers.postgres().url());

    @TempDir
    Path dir;

    private OfflineQueryClient client;

    @BeforeEach
    void deploy() {
        client = new OfflineQueryClient(
                "t-recompute-" + UUID.randomUUID().toString().substring(0, 8));
        given().header(OfflineQueryClient.ENV, client.env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", PROJECT), "activate", true))
                .post("/v1/deployments")
                .then()
                .statusCode(201);
    }

    private static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void recomputedAndLoggedOutputsInOneDatasetWithFailuresReported() throws Exception {
        client.ingest(List.of(
                row("user.id", 1, "user.score", 1.5, "__ts__", "2026-05-01T10:00:00Z"),
                row("user.id", 1, "user.score", 4.0, "__ts__", "2026-05-01T12:00:00Z")));
        Map<String, Object> body = Map.of(
                "inputs", Map.of("user.id", List.of(1, 1, 2, 3)),
                "input_times",
                        List.of(
                                "2026-05-01T11:00:00Z",
                                "2026-05-01T13:00:00Z",
                                "2026-05-01T13:00:00Z",
                                "2026-05-01T13:00:00Z"),
                "outputs", List.of("user.score", "user.double_score", "user.label", "user.inverse"),
                "recompute", List.of("user.double_score", "user.label", "user.inverse"));

        String id = client.submitOk(body);
        JsonPath status = client.awaitSucceeded(id);
        assertThat(status.getList("recomputed")).containsExactly("user.double_score", "user.label", "user.inverse");
        assertThat(status.getInt("feature_errors.total"))
                .as("user 2 divides by zero; user 2 and 3 have no score")
                .isEqualTo(3);
        assertThat(status.getString("feature_errors.features.find { it.feature == 'user.inverse' }.first[0].code"))
                .isEqualTo("RESOLVER_FAILED");
        assertThat(status.getString("feature_errors.features.find { it.feature == 'user.inverse' }.first[0].message"))
                .contains("division by zero");
        assertThat(status.getInt("feature_errors.features.find { it.feature == 'user.inverse' }.first[0].row"))
                .isEqualTo(2);

        List<Map<String, Object>> rows = client.jsonRows(id);
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0))
                .containsEntry("user.score", 1.5f)
                .containsEntry("user.double_score", 3.0f)
                .containsEntry("user.label", "u10")
                .containsEntry("user.inverse", -100);
        assertThat(rows.get(1)).containsEntry("user.score", 4.0f).containsEntry("user.double_score", 8.0f);
        assertThat(rows.get(2))
                .containsEntry("user.label", "u20")
                .containsEntry("user.inverse", null)
                .containsEntry("user.double_score", null);
        assertThat(rows.get(3)).containsEntry("user.label", "u30").containsEntry("user.inverse", 100);

        OfflineQueryClient.ParquetResult parquet = client.parquetRows(id, dir);
        assertThat(parquet.types())
                .containsEntry("user.double_score", "DOUBLE")
                .containsEntry("user.label", "VARCHAR")
                .containsEntry("user.inverse", "BIGINT");
        assertThat(parquet.rows()).hasSize(4);
    }

    @Test
    void aParquetSpineTakesRecomputeAsAQueryParameter() throws Exception {
        Path spine = dir.resolve("spine.parquet");
        OfflineQueryClient.writeParquet(
                spine,
                "SELECT i::BIGINT AS \"user.id\", TIMESTAMPTZ '2026-05-01 00:00:00+00' AS input_time FROM range(4, 7) t(i)");
        String id = client.submitParquet(spine, "?outputs=user.label&recompute=true")
                .statusCode(202)
                .extract()
                .path("job_id");
        JsonPath status = client.awaitSucceeded(id);
        assertThat(status.getList("recomputed")).containsExactly("user.label");
        assertThat(status.getString("feature_errors")).isNull();
        assertThat(client.jsonRows(id)).extracting(r -> r.get("user.label")).containsExactly("u40", "u50", "u60");
    }

    @Test
    void badRecomputeValuesAreProblems() {
        Map<String, Object> base = Map.of(
                "inputs",
                Map.of("user.id", List.of(1)),
                "input_times",
                List.of("2026-05-01T00:00:00Z"),
                "outputs",
                List.of("user.label", "user.score"));
        Map<String, Object> body = new HashMap<>(base);
        body.put("recompute", "yes");
        client.submit(body)
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("detail", containsString("'recompute' must be true, false or a list of output names"));
        body.put("recompute", List.of("user.lable"));
        client.submit(body)
                .statusCode(400)
                .contentType(PROBLEM)
                .body("errors[0].message", containsString("unknown feature 'user.lable' (did you mean 'user.label'?)"));
        body.put("recompute", List.of("user.score"));
        client.submit(body)
                .statusCode(400)
                .contentType(PROBLEM)
                .body("errors[0].message", containsString("ingested feature"));
        body.put("recompute", List.of("user.tenfold"));
        client.submit(body)
                .statusCode(400)
                .contentType(PROBLEM)
                .body("errors[0].message", containsString("not among the outputs"));
    }
}
