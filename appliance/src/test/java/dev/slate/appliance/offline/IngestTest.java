package dev.slate.appliance.offline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import dev.slate.storage.spi.offline.SpineRow;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/ingest} into the real Redis online store and the real Iceberg offline store. */
@QuarkusTest
class IngestTest {
    private static final String ENV = "X-Slate-Environment";
    private static final String PROBLEM = "application/problem+json";

    @Inject
    OfflineStore offline;

    private String env;

    @BeforeEach
    void deploy() {
        env = "t-ingest-" + UUID.randomUUID().toString().substring(0, 8);
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", """
                        project: ingest
                        entities:
                          user:
                            key: id
                            max_staleness: 1000d
                            features:
                              id: int
                              credit_score: {type: float, ingested: true}
                              segment: {type: string, ingested: true}
                              tier: {type: string, expression: "credit_score > 700.0 ? 'gold' : 'basic'"}
                        """), "activate", true))
                .post("/v1/deployments")
                .then()
                .statusCode(201);
    }

    private ValidatableResponse ingest(Object body) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/ingest")
                .then();
    }

    private ValidatableResponse query(long id, String... outputs) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", id), "outputs", List.of(outputs), "include_meta", true))
                .post("/v1/query/online")
                .then()
                .statusCode(200);
    }

    @Test
    void ingestedValuesAreServedOnlineAndKeptOffline() {
        ingest(Map.of(
                        "rows",
                        List.of(
                                Map.of(
                                        "user.id",
                                        1,
                                        "user.credit_score",
                                        720.5,
                                        "user.segment",
                                        "smb",
                                        "__ts__",
                                        "2026-11-01T10:00:00Z"),
                                Map.of("user.id", 2, "user.credit_score", 640, "__ts__", "2026-11-01T12:00:00+02:00"))))
                .statusCode(200)
                .body("rows", equalTo(2))
                .body("values", equalTo(3))
                .body("online_writes", equalTo(3))
                .body("offline_values", equalTo(3));

        query(1, "user.credit_score", "user.segment", "user.tier")
                .body("data[0].value", equalTo(720.5f))
                .body("data[0].meta.cache_hit", equalTo(true))
                .body("data[0].ts", equalTo("2026-11-01T10:00:00Z"))
                .body("data[1].value", equalTo("smb"))
                .body("data[2].value", equalTo("gold"));
        query(2, "user.tier").body("data[0].value", equalTo("basic"));

        PointInTimeResult r = lookup(
                List.of(
                        new SpineRow(EntityKey.of(1L), Instant.parse("2026-11-01T10:00:00Z")),
                        new SpineRow(EntityKey.of(1L), Instant.parse("2026-11-01T09:59:59.999999Z")),
                        new SpineRow(EntityKey.of(2L), Instant.parse("2026-11-01T10:00:00Z"))),
                "credit_score",
                FeatureType.Scalar.FLOAT);
        assertThat(r.get(0, 0).value()).isEqualTo(720.5);
        assertThat(r.get(1, 0)).isNull();
        assertThat(r.get(2, 0).value()).isEqualTo(640.0); // 12:00+02:00 is 10:00Z
    }

    @Test
    void aBackdatedRowNeverReplacesANewerOnlineValueButIsKeptOffline() {
        ingest(Map.of(
                        "rows",
                        List.of(Map.of("user.id", 7, "user.credit_score", 800.0, "__ts__", "2026-11-10T00:00:00Z"))))
                .statusCode(200);
        ingest(Map.of(
                        "rows",
                        List.of(Map.of("user.id", 7, "user.credit_score", 100.0, "__ts__", "2026-11-01T00:00:00Z"))))
                .statusCode(200);

        query(7, "user.credit_score").body("data[0].value", equalTo(800.0f));
        PointInTimeResult r = lookup(
                List.of(
                        new SpineRow(EntityKey.of(7L), Instant.parse("2026-11-05T00:00:00Z")),
                        new SpineRow(EntityKey.of(7L), Instant.parse("2026-11-11T00:00:00Z"))),
                "credit_score",
                FeatureType.Scalar.FLOAT);
        assertThat(r.get(0, 0).value()).isEqualTo(100.0);
        assertThat(r.get(1, 0).value()).isEqualTo(800.0);
    }

    @Test
    void aCorrectionWithTheSameObservationTimeReachesBothStores() {
        String ts = "2026-11-02T08:00:00Z";
        ingest(Map.of("rows", List.of(Map.of("user.id", 9, "user.credit_score", 500.0, "__ts__", ts))))
                .statusCode(200);
        ingest(Map.of("rows", List.of(Map.of("user.id", 9, "user.credit_score", 555.0, "__ts__", ts))))
                .statusCode(200);

        query(9, "user.credit_score").body("data[0].value", equalTo(555.0f));
        PointInTimeResult r = lookup(
                List.of(new SpineRow(EntityKey.of(9L), Instant.parse(ts))), "credit_score", FeatureType.Scalar.FLOAT);
        assertThat(r.get(0, 0).value()).isEqualTo(555.0);
    }

    @Test
    void onlyTheOfflineStoreWhenAsked() {
        ingest(Map.of(
                        "rows",
                        List.of(Map.of("user.id", 11, "user.segment", "ent", "__ts__", "2026-11-01T00:00:00Z")),
                        "store_online",
                        false))
                .statusCode(200)
                .body("online_writes", equalTo(0))
                .body("offline_values", equalTo(1));
        query(11, "user.segment").body("data[0].value", equalTo(null));
        PointInTimeResult r = lookup(
                List.of(new SpineRow(EntityKey.of(11L), Instant.parse("2026-11-01T00:00:01Z"))),
                "segment",
                FeatureType.Scalar.STRING);
        assertThat(r.get(0, 0).value()).isEqualTo("ent");
    }

    @Test
    void invalidRowsRejectTheWholeRequestAndStoreNothing() {
        ingest(Map.of(
                        "rows",
                        List.of(
                                Map.of("user.id", 21, "user.credit_score", 1.0),
                                Map.of("user.id", 22, "user.credit_scor", 1.0),
                                Map.of("user.credit_score", 1.0),
                                Map.of("user.id", "abc", "user.credit_score", 1.0),
                                Map.of("user.id", 23, "user.credit_score", "high"),
                                Map.of("user.id", 24, "user.credit_score", 2.0, "__ts__", "yesterday"))))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("errors", hasSize(5))
                .body("errors[0].field", equalTo("rows[1]"))
                .body("errors[0].message", containsString("did you mean 'user.credit_score'"))
                .body("errors[1].message", containsString("has no user.id"))
                .body("errors[2].field", equalTo("rows[3]"))
                .body("errors[3].field", equalTo("rows[4]"))
                .body("errors[4].name", equalTo("__ts__"));
        query(21, "user.credit_score").body("data[0].value", equalTo(null));
    }

    @Test
    void emptyMalformedAndUnknownEnvironmentAreClearErrors() {
        ingest(Map.of("rows", List.of())).statusCode(400).contentType(PROBLEM).body("code", equalTo("INVALID_QUERY"));
        ingest(Map.of("rows", List.of(Map.of("user.id", 1))))
                .statusCode(400)
                .body("detail", containsString("no feature values"));
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body("{\"rows\": [")
                .post("/v1/ingest")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body("{\"rows\": [], \"extra\": 1}")
                .post("/v1/ingest")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        given().header(ENV, "t-nothing-here")
                .contentType(ContentType.JSON)
                .body(Map.of("rows", List.of(Map.of("user.id", 1))))
                .post("/v1/ingest")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("NO_ACTIVE_DEPLOYMENT"));
        ingest(Map.of(
                        "rows",
                        List.of(Map.of("user.id", 1, "user.segment", "x")),
                        "store_online",
                        false,
                        "store_offline",
                        false))
                .statusCode(400)
                .body("detail", containsString("nothing would be stored"));
    }

    private PointInTimeResult lookup(List<SpineRow> spine, String feature, FeatureType type) {
        String version = given().header(ENV, env)
                .get("/v1/features")
                .then()
                .statusCode(200)
                .extract()
                .path("features.find { it.name == 'user." + feature + "' }.version");
        return offline.lookup(new PointInTimeQuery(
                env,
                "user",
                spine,
                List.of(new FeatureLookup(new FeatureSlot(feature, version, type), Optional.empty()))));
    }

    @SuppressWarnings("unused")
    private static Object valueOf(StoredValue v) {
        return v == null ? null : v.value();
    }
}
