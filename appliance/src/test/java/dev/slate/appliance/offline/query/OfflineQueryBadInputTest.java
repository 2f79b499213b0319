package dev.slate.appliance.offline.query;

import static dev.slate.appliance.offline.query.OfflineQueryClient.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.slate.appliance.offline.OfflineConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3, "Bad input": every bad offline query is a clear 4xx problem and leaves no job and no files behind. */
@QuarkusTest
class OfflineQueryBadInputTest {

    @TempDir
    Path dir;

    @Inject
    OfflineConfig config;

    private OfflineQueryClient client;

    @BeforeEach
    void deploy() {
        client = new OfflineQueryClient(
                "t-offline-bad-" + UUID.randomUUID().toString().substring(0, 8));
        client.deploy();
    }

    private static Map<String, Object> query(Object inputs, Object times, Object outputs) {
        return Map.of("inputs", inputs, "input_times", times, "outputs", outputs);
    }

    @Test
    void spineColumnsOfDifferentLengths() {
        client.submit(Map.of(
                        "inputs",
                        Map.of("user.id", List.of(1, 2, 3), "merchant.id", List.of("a", "b")),
                        "input_times",
                        List.of("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
                        "outputs",
                        List.of("user.score", "merchant.risk")))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("errors", hasSize(1))
                .body("errors[0].name", equalTo("merchant.id"))
                .body("errors[0].message", containsString("has 2 values but input_times has 3"));
        client.submit(query(Map.of("user.id", List.of(1, 2)), List.of("2026-01-01T00:00:00Z"), List.of("user.score")))
                .statusCode(400)
                .body("detail", containsString("has 2 values but input_times has 1"));
    }

    @Test
    void unknownAndMisspelledFeaturesAreNamedWithASuggestion() {
        client.submit(query(
                        Map.of("user.id", List.of(1)),
                        List.of("2026-01-01T00:00:00Z"),
                        List.of("user.scor", "user.nothing_like_it")))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("RESOLVER_NOT_FOUND"))
                .body("errors", hasSize(2))
                .body("errors[0].message", containsString("unknown feature 'user.scor' (did you mean 'user.score'?)"))
                .body("errors[1].message", equalTo("unknown feature 'user.nothing_like_it'"));
        client.submit(query(Map.of("user.idd", List.of(1)), List.of("2026-01-01T00:00:00Z"), List.of("user.score")))
                .statusCode(400)
                .body("code", equalTo("INVALID_QUERY"))
                .body("errors[0].message", containsString("unknown feature 'user.idd' (did you mean 'user.id'?)"))
                .body("errors[1].message", containsString("add user.id to inputs"));
    }

    @Test
    void unparseableAndNullTimesAndKeysAreListedByRow() {
        client.submit(query(
                        Map.of("user.id", List.of(1, 2, "three", 4)),
                        Arrays.asList("2026-01-01T00:00:00Z", "yesterday", "2026-01-01T00:00:00Z", null),
                        List.of("user.score")))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("errors", hasSize(3))
                .body("errors[0].name", equalTo("user.id[2]"))
                .body("errors[1].name", equalTo("input_times[1]"))
                .body("errors[1].message", containsString("not an ISO-8601 date-time"))
                .body("errors[2].name", equalTo("input_times[3]"));
        client.submit(query(Map.of("user.id", List.of(1)), List.of("+12026-01-01T00:00:00Z"), List.of("user.score")))
                .statusCode(400)
                .body("detail", containsString("outside"));
    }

    @Test
    void anEmptySpineAndMissingPartsAreRefused() {
        client.submit(query(Map.of("user.id", List.of()), List.of(), List.of("user.score")))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("detail", containsString("spine is empty"));
        client.submit(Map.of("inputs", Map.of("user.id", List.of(1)), "outputs", List.of("user.score")))
                .statusCode(400)
                .body("detail", containsString("'input_times' is required"));
        client.submit(Map.of("input_times", List.of("2026-01-01T00:00:00Z"), "outputs", List.of("user.score")))
                .statusCode(400)
                .body("detail", containsString("'inputs' must give the spine's entity keys"));
        client.submit(query(Map.of("user.id", List.of(1)), List.of("2026-01-01T00:00:00Z"), List.of()))
                .statusCode(400)
                .body("detail", containsString("at least one feature"));
        client.submit(query(Map.of("user.id", 1), List.of("2026-01-01T00:00:00Z"), List.of("user.score")))
                .statusCode(400)
                .body("errors[0].message", containsString("must be a list"));
    }

    @Test
    void inputsMustBeTheKeysOfTheOutputsEntities() {
        client.submit(query(
                        Map.of("user.id", List.of(1)),
                        List.of("2026-01-01T00:00:00Z"),
                        List.of("user.score", "merchant.risk")))
                .statusCode(400)
                .body("errors", hasSize(1))
                .body(
                        "errors[0].message",
                        containsString("needs the key of entity merchant in the spine: add merchant.id to inputs"));
        client.submit(query(
                        Map.of("user.id", List.of(1), "user.score", List.of(1.0)),
                        List.of("2026-01-01T00:00:00Z"),
                        List.of("user.segment")))
                .statusCode(400)
                .body("errors[0].message", containsString("'user.score' is not an entity key"));
        client.submit(query(Map.of("user.id", List.of(1)), List.of("2026-01-01T00:00:00Z"), List.of("user.id")))
                .statusCode(400)
                .body("errors[0].message", containsString("is an entity key"));
    }

    @Test
    void recomputeAndMalformedBodiesAreRefused() {
        client.submit(Map.of(
                        "inputs",
                        Map.of("user.id", List.of(1)),
                        "input_times",
                        List.of("2026-01-01T00:00:00Z"),
                        "outputs",
                        List.of("user.score"),
                        "recompute",
                        1))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("'recompute' must be true, false or a list"));
        client.submit(Map.of(
                        "inputs",
                        Map.of("user.id", List.of(1)),
                        "input_times",
                        List.of("2026-01-01T00:00:00Z"),
                        "outputs",
                        List.of("user.score"),
                        "dataset_name",
                        "../x"))
                .statusCode(400)
                .body("detail", containsString("dataset_name"));
        given().header(OfflineQueryClient.ENV, client.env)
                .contentType(ContentType.JSON)
                .body("{\"inputs\": {")
                .post(OfflineQueryClient.PATH)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        given().header(OfflineQueryClient.ENV, client.env)
                .contentType(ContentType.JSON)
                .body("{\"inputs\": {}, \"spine\": 1}")
                .post(OfflineQueryClient.PATH)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"));
        given().header(OfflineQueryClient.ENV, "t-no-deployment-here")
                .contentType(ContentType.JSON)
                .body(query(Map.of("user.id", List.of(1)), List.of("2026-01-01T00:00:00Z"), List.of("user.score")))
                .post(OfflineQueryClient.PATH)
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("NO_ACTIVE_DEPLOYMENT"));
    }

    @Test
    void aSpineOfFiftyMillionRowsIsRefusedBeforeAnyJobExists() throws Exception {
        Path spine = dir.resolve("huge.parquet");
        // constant columns compress to a few kilobytes
        OfflineQueryClient.writeParquet(
                spine,
                "SELECT 1::BIGINT AS \"user.id\", TIMESTAMPTZ '2026-01-01 00:00:00+00' AS input_time FROM range(50000000)");
        assertThat(Files.size(spine)).isLessThan(4_000_000);

        client.submitParquet(spine, "?outputs=user.score")
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("INVALID_QUERY"))
                .body("detail", containsString("the spine has 50000000 rows; at most 20000000"));
        assertThat(jobDirectories()).as("no job directory is left").isEmpty();
    }

    @Test
    void corruptOrMistypedParquetUploadsAreParseFailures() throws Exception {
        Path corrupt = dir.resolve("corrupt.parquet");
        Files.write(corrupt, "PAR1 this is not really parquet PAR1".getBytes());
        client.submitParquet(corrupt, "?outputs=user.score")
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("PARSE_FAILED"))
                .body("detail", containsString("not a readable Parquet file"));

        Path csv = dir.resolve("spine.csv");
        Files.writeString(csv, "user.id,input_time\n1,2026-01-01T00:00:00Z\n");
        client.submitParquet(csv, "?outputs=user.score").statusCode(400).body("code", equalTo("PARSE_FAILED"));

        Path truncated = dir.resolve("truncated.parquet");
        Path good = dir.resolve("good.parquet");
        OfflineQueryClient.writeParquet(
                good,
                "SELECT range AS \"user.id\", TIMESTAMPTZ '2026-01-01 00:00:00+00' AS input_time FROM range(1000)");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        client.submitParquet(truncated, "?outputs=user.score").statusCode(400).body("code", equalTo("PARSE_FAILED"));

        Path noTime = dir.resolve("no-time.parquet");
        OfflineQueryClient.writeParquet(
                noTime, "SELECT 1::BIGINT AS \"user.id\", TIMESTAMPTZ '2026-01-01 00:00:00+00' AS ts");
        client.submitParquet(noTime, "?outputs=user.score")
                .statusCode(400)
                .body("code", equalTo("INVALID_QUERY"))
                .body("detail", containsString("no column 'input_time'"));

        Path stringKeys = dir.resolve("string-keys.parquet");
        OfflineQueryClient.writeParquet(
                stringKeys, "SELECT 'one' AS \"user.id\", TIMESTAMPTZ '2026-01-01 00:00:00+00' AS input_time");
        client.submitParquet(stringKeys, "?outputs=user.score")
                .statusCode(400)
                .body("errors[0].message", containsString("is an int"));

        Path nullKeys = dir.resolve("null-keys.parquet");
        OfflineQueryClient.writeParquet(
                nullKeys,
                "SELECT CAST(NULL AS BIGINT) AS \"user.id\", TIMESTAMPTZ '2026-01-01 00:00:00+00' AS input_time");
        client.submitParquet(nullKeys, "?outputs=user.score")
                .statusCode(400)
                .body("errors[0].message", containsString("null key"));

        Path empty = dir.resolve("empty.parquet");
        OfflineQueryClient.writeParquet(
                empty,
                "SELECT 1::BIGINT AS \"user.id\", TIMESTAMPTZ '2026-01-01 00:00:00+00' AS input_time WHERE false");
        client.submitParquet(empty, "?outputs=user.score")
                .statusCode(400)
                .body("detail", containsString("spine is empty"));
        client.submitParquet(good, "").statusCode(400).body("detail", containsString("name the outputs"));
        assertThat(jobDirectories()).as("no job directory is left").isEmpty();
    }

    @Test
    void aResultInAnUnknownFormatIsRefused() {
        String id = client.submitOk(
                query(Map.of("user.id", List.of(1)), List.of("2026-01-01T00:00:00Z"), List.of("user.score")));
        given().header(OfflineQueryClient.ENV, client.env)
                .get(OfflineQueryClient.PATH + "/" + id + "/result?format=csv")
                .then()
                .statusCode(400)
                .body("detail", containsString("format must be parquet, json or arrow"));
    }

    /** Job directories of this test's environment: none is created for a refused submission. */
    private List<Path> jobDirectories() throws Exception {
        Path jobs = config.jobsDir().orElseThrow();
        if (!Files.isDirectory(jobs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(jobs)) {
            // directories of refused uploads would be left with an upload.parquet
            return s.filter(p -> Files.exists(p.resolve("upload.parquet"))).toList();
        }
    }
}
