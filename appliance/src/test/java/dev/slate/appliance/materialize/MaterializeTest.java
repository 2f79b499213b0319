package dev.slate.appliance.materialize;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.slate.storage.spi.OnlineStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reverse ETL through the API: values ingested into the offline store only are loaded into the real Redis by
 * {@code POST /v1/materialize} and served online as cache hits; runs are incremental, never replace a newer online
 * value, and leave out values older than {@code max_staleness}.
 */
@QuarkusTest
class MaterializeTest {
    private static final String ENV = "X-Slate-Environment";

    @Inject
    OnlineStore online;

    @Inject
    DataSource dataSource;

    private String env;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeEach
    void deploy() {
        env = "t-etl-" + UUID.randomUUID().toString().substring(0, 8);
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", """
                        project: etl
                        entities:
                          user:
                            key: id
                            max_staleness: 1h
                            features:
                              id: int
                              credit_score: {type: float, ingested: true, etl_offline_to_online: true}
                              segment: {type: string, ingested: true, etl_offline_to_online: true, max_staleness: 10d}
                              note: {type: string, ingested: true}
                        """), "activate", true))
                .post("/v1/deployments")
                .then()
                .statusCode(201);
    }

    @AfterEach
    void clean() throws Exception {
        online.dropNamespace(env).toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (var c = dataSource.getConnection();
                var ps = c.prepareStatement("delete from materialization_marks where environment = ?")) {
            ps.setString(1, env);
            ps.executeUpdate();
        }
    }

    private void ingestOffline(Map<String, Object>... rows) {
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("rows", List.of(rows), "store_online", false))
                .post("/v1/ingest")
                .then()
                .statusCode(200)
                .body("online_writes", equalTo(0));
    }

    private void ingestOnline(Map<String, Object> row) {
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("rows", List.of(row), "store_offline", false))
                .post("/v1/ingest")
                .then()
                .statusCode(200);
    }

    private ValidatableResponse materialize(Object body) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/materialize")
                .then();
    }

    private JsonPath query(long id, String... outputs) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", id), "outputs", List.of(outputs), "include_meta", true))
                .post("/v1/query/online")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static Map<String, Object> row(long id, String feature, Object value, Instant ts) {
        return Map.of("user.id", id, feature, value, "__ts__", ts.toString());
    }

    @Test
    void offlineOnlyValuesAreServedOnlineFromRedisAfterMaterialize() {
        ingestOffline(
                row(1, "user.credit_score", 700.5, now.minusSeconds(120)),
                row(1, "user.credit_score", 710.5, now.minusSeconds(60)),
                row(2, "user.credit_score", 640.0, now.minusSeconds(30)),
                row(1, "user.segment", "smb", now.minus(Duration.ofDays(2))),
                row(1, "user.note", "not marked", now.minusSeconds(10)));
        assertThat(query(1, "user.credit_score").getString("data[0].value"))
                .as("not online yet")
                .isNull();

        JsonPath r = materialize(Map.of()).statusCode(200).extract().jsonPath();
        assertThat(r.getString("environment")).isEqualTo(env);
        assertThat(r.getLong("values")).isEqualTo(3);
        assertThat(r.getList("features.feature", String.class)).containsExactly("user.credit_score", "user.segment");
        assertThat(r.getList("features.values", Long.class)).containsExactly(2L, 1L);
        assertThat(r.getList("features.incremental", Boolean.class)).containsExactly(false, false);

        JsonPath a = query(1, "user.credit_score", "user.segment", "user.note");
        assertThat(a.getDouble("data[0].value")).isEqualTo(710.5);
        assertThat(a.getBoolean("data[0].meta.cache_hit")).isTrue();
        assertThat(a.getString("data[0].ts")).isEqualTo(now.minusSeconds(60).toString());
        assertThat(a.getString("data[1].value")).isEqualTo("smb");
        assertThat(a.getBoolean("data[1].meta.cache_hit")).isTrue();
        assertThat(a.getString("data[2].value")).as("not marked: not loaded").isNull();
        assertThat(query(2, "user.credit_score").getDouble("data[0].value")).isEqualTo(640.0);
    }

    @Test
    void aSecondRunMovesNothingNewAndAThirdOnlyWhatWasAdded() {
        ingestOffline(row(1, "user.credit_score", 1.0, now.minusSeconds(60)));
        materialize(Map.of()).statusCode(200).body("values", equalTo(1));

        materialize(Map.of()).statusCode(200).body("values", equalTo(0)).body("features[0].incremental", equalTo(true));

        ingestOffline(row(2, "user.credit_score", 2.0, now.minusSeconds(30)));
        materialize(Map.of()).statusCode(200).body("values", equalTo(1)).body("features[0].values", equalTo(1));
        assertThat(query(2, "user.credit_score").getDouble("data[0].value")).isEqualTo(2.0);

        materialize(Map.of("full", true)).statusCode(200).body("values", equalTo(2));
    }

    @Test
    void aNewerOnlineValueIsNotOverwrittenByAnOlderOfflineOne() {
        ingestOnline(row(5, "user.credit_score", 900.0, now.minusSeconds(10)));
        ingestOffline(row(5, "user.credit_score", 100.0, now.minusSeconds(600)));

        materialize(Map.of()).statusCode(200).body("values", equalTo(1));

        JsonPath a = query(5, "user.credit_score");
        assertThat(a.getDouble("data[0].value")).isEqualTo(900.0);
        assertThat(a.getString("data[0].ts")).isEqualTo(now.minusSeconds(10).toString());
    }

    @Test
    void valuesAlreadyOlderThanMaxStalenessAreNotLoaded() {
        ingestOffline(
                row(7, "user.credit_score", 1.0, now.minus(Duration.ofHours(2))), // max_staleness 1h (entity)
                row(7, "user.segment", "old", now.minus(Duration.ofDays(11))), // 10d
                row(8, "user.credit_score", 2.0, now.minus(Duration.ofMinutes(50))));

        materialize(Map.of()).statusCode(200).body("values", equalTo(1));

        assertThat(query(7, "user.credit_score").getString("data[0].value")).isNull();
        assertThat(query(7, "user.segment").getString("data[0].value")).isNull();
        assertThat(query(8, "user.credit_score").getDouble("data[0].value")).isEqualTo(2.0);
    }

    @Test
    void aListOfFeaturesIsCheckedAndMayNameAnUnmarkedFeature() {
        ingestOffline(
                row(3, "user.note", "hello", now.minusSeconds(10)),
                row(3, "user.credit_score", 3.0, now.minusSeconds(10)));

        materialize(Map.of("features", List.of("user.note")))
                .statusCode(200)
                .body("values", equalTo(1))
                .body("features[0].feature", equalTo("user.note"));
        assertThat(query(3, "user.note").getString("data[0].value")).isEqualTo("hello");
        assertThat(query(3, "user.credit_score").getString("data[0].value"))
                .as("not asked for")
                .isNull();

        materialize(Map.of("features", List.of("user.nte")))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("INVALID_QUERY"))
                .body("detail", containsString("did you mean 'user.note'"));
        materialize(Map.of("features", List.of())).statusCode(400).body("code", equalTo("INVALID_QUERY"));
        materialize(Map.of("feature", List.of("user.note"))).statusCode(400).body("code", equalTo("PARSE_FAILED"));
        given().header(ENV, "t-etl-nothing-deployed")
                .contentType(ContentType.JSON)
                .body(Map.of())
                .post("/v1/materialize")
                .then()
                .statusCode(404)
                .body("code", equalTo("NO_ACTIVE_DEPLOYMENT"));
    }
}
