package dev.slate.appliance.offline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/ingest} with a Parquet upload, into the real Redis online store and the real Iceberg offline store. */
@QuarkusTest
class ParquetIngestTest {
    private static final String ENV = "X-Slate-Environment";
    private static final String PROBLEM = "application/problem+json";
    private static final String PARQUET = "application/vnd.apache.parquet";

    @Inject
    OfflineStore offline;

    @TempDir
    Path temp;

    private String env;

    @BeforeEach
    void deploy() {
        env = "t-pqingest-" + UUID.randomUUID().toString().substring(0, 8);
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", """
                        project: pqingest
                        entities:
                          user:
                            key: id
                            max_staleness: 1000d
                            features:
                              id: int
                              credit_score: {type: float, ingested: true}
                              segment: {type: string, ingested: true}
                              seen_at: {type: datetime, ingested: true}
                        """), "activate", true))
                .post("/v1/deployments")
                .then()
                .statusCode(201);
    }

    /** Writes the rows of a DuckDB SELECT to a Parquet file. */
    private Path parquet(String select) throws Exception {
        Path file = temp.resolve(UUID.randomUUID() + ".parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            st.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
        }
        return file;
    }

    private ValidatableResponse upload(Path file, String query) throws Exception {
        return given().header(ENV, env)
                .contentType(PARQUET)
                .body(Files.readAllBytes(file))
                .post("/v1/ingest" + query)
                .then();
    }

    private ValidatableResponse query(long id, String... outputs) {
        return given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", id), "outputs", List.of(outputs)))
                .post("/v1/query/online")
                .then()
                .statusCode(200);
    }

    @Test
    void aFileLargerThanOneBatchReachesBothStoresWithNullCellsLeftOut() throws Exception {
        // 25,000 rows: three batches; every third row has no segment; naive timestamps are UTC
        Path file = parquet("""
                SELECT i AS "user.id", i / 10.0 AS "user.credit_score",
                       CASE WHEN i % 3 = 0 THEN NULL ELSE 'seg-' || (i % 7) END AS "user.segment",
                       TIMESTAMP '2026-11-01 10:00:00' + to_seconds(i) AS "user.seen_at",
                       TIMESTAMP '2026-11-01 00:00:00' + to_seconds(i) AS "__ts__"
                FROM range(25000) t(i)""");

        upload(file, "")
                .statusCode(200)
                .body("rows", equalTo(25000))
                .body("values", equalTo(25000 * 3 - 8334))
                .body("online_writes", equalTo(25000 * 3 - 8334))
                .body("offline_values", equalTo(25000 * 3 - 8334));

        query(24998, "user.credit_score", "user.segment", "user.seen_at")
                .body("data[0].value", equalTo(2499.8f))
                .body(
                        "data[0].ts",
                        equalTo(Instant.parse("2026-11-01T00:00:00Z")
                                .plusSeconds(24998)
                                .toString()))
                .body("data[1].value", equalTo("seg-" + (24998 % 7)))
                .body(
                        "data[2].value",
                        equalTo(Instant.parse("2026-11-01T10:00:00Z")
                                .plusSeconds(24998)
                                .toString()));
        query(24999, "user.segment").body("data[0].value", equalTo(null)); // 24999 % 3 == 0: no segment

        PointInTimeResult r = lookup(
                List.of(
                        new SpineRow(
                                EntityKey.of(12345L),
                                Instant.parse("2026-11-01T00:00:00Z").plusSeconds(12345)),
                        new SpineRow(
                                EntityKey.of(12345L),
                                Instant.parse("2026-11-01T00:00:00Z").plusSeconds(12344)),
                        new SpineRow(EntityKey.of(7L), Instant.parse("2026-12-01T00:00:00Z"))),
                "credit_score",
                FeatureType.Scalar.FLOAT);
        assertThat(r.get(0, 0).value()).isEqualTo(1234.5);
        assertThat(r.get(1, 0)).isNull(); // observed one second later than asked
        assertThat(r.get(2, 0).value()).isEqualTo(0.7);
    }

    @Test
    void onlyTheOfflineStoreWhenAskedAndTimeZonesAreUtc() throws Exception {
        Path file = parquet("""
                SELECT 5 AS "user.id", 'ent' AS "user.segment", TIMESTAMPTZ '2026-11-01 12:00:00+02:00' AS "__ts__\"""");

        upload(file, "?store_online=false")
                .statusCode(200)
                .body("online_writes", equalTo(0))
                .body("offline_values", equalTo(1));

        query(5, "user.segment").body("data[0].value", equalTo(null));
        PointInTimeResult r = lookup(
                List.of(
                        new SpineRow(EntityKey.of(5L), Instant.parse("2026-11-01T10:00:00Z")),
                        new SpineRow(EntityKey.of(5L), Instant.parse("2026-11-01T09:59:59Z"))),
                "segment",
                FeatureType.Scalar.STRING);
        assertThat(r.get(0, 0).value()).isEqualTo("ent");
        assertThat(r.get(1, 0)).isNull();
    }

    @Test
    void oneBadRowLateInTheFileRejectsTheWholeFileAndStoresNothing() throws Exception {
        // row 15,000 has no key and row 20,001 a score that is not a number: both are listed, nothing is stored
        Path file = parquet("""
                SELECT CASE WHEN i = 15000 THEN NULL ELSE i + 100000 END AS "user.id",
                       CASE WHEN i = 20001 THEN 'high' ELSE CAST(i AS VARCHAR) END AS "user.credit_score"
                FROM range(25000) t(i)""");

        upload(file, "")
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("errors", hasSize(2))
                .body("errors[0].field", equalTo("rows[15000]"))
                .body("errors[0].message", containsString("has no user.id"))
                .body("errors[1].field", equalTo("rows[20001]"))
                .body("errors[1].name", equalTo("user.credit_score"));

        query(100000, "user.credit_score").body("data[0].value", equalTo(null));
        PointInTimeResult r = lookup(
                List.of(new SpineRow(EntityKey.of(100000L), Instant.parse("2100-01-01T00:00:00Z"))),
                "credit_score",
                FeatureType.Scalar.FLOAT);
        assertThat(r.get(0, 0)).isNull();
    }

    @Test
    void unknownColumnsEmptyCorruptAndZeroRowFilesAreClearErrors() throws Exception {
        upload(parquet("SELECT 1 AS \"user.id\", 2.0 AS \"user.credit_scor\", 3 AS \"user.nope\""), "")
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("errors", hasSize(2))
                .body("errors[0].field", equalTo("columns"))
                .body("errors[0].message", containsString("did you mean 'user.credit_score'"))
                .body("errors[1].name", equalTo("user.nope"));
        upload(parquet("SELECT 1 AS \"user.id\", 2.0 AS \"user.credit_score\" WHERE false"), "")
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("no rows"));

        Path corrupt = temp.resolve("corrupt.parquet");
        byte[] good = Files.readAllBytes(
                parquet("SELECT i AS \"user.id\", i * 1.5 AS \"user.credit_score\" FROM range(1000) t(i)"));
        byte[] bad = Arrays.copyOf(good, good.length / 2);
        Files.write(corrupt, bad);
        upload(corrupt, "")
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("detail", containsString("not a readable Parquet file"));

        given().header(ENV, env)
                .contentType(PARQUET)
                .body(new byte[0])
                .post("/v1/ingest")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        upload(parquet("SELECT 1 AS \"user.id\", 'x' AS \"user.segment\""), "?store_online=false&store_offline=false")
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("nothing would be stored"));
        query(1, "user.segment").body("data[0].value", equalTo(null));
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
}
