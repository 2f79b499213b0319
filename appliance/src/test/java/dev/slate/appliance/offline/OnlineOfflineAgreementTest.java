package dev.slate.appliance.offline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Differential test (issue 3, point 7): for the same project and data, an online query at time T and
 * a point-in-time lookup at T over the offline store (fed by ingest and by the feature log of the
 * online queries) return identical values for every deterministic feature.
 */
@QuarkusTest
class OnlineOfflineAgreementTest {
    private static final String ENV = "X-Slate-Environment";
    private static final List<String> OUTPUTS = List.of(
            "user.credit_score", "user.segment", "user.tier", "user.score_band", "user.label", "user.tags_count");
    private static final Map<String, FeatureType> TYPES = Map.of(
            "credit_score",
            FeatureType.Scalar.FLOAT,
            "segment",
            FeatureType.Scalar.STRING,
            "tier",
            FeatureType.Scalar.STRING,
            "score_band",
            FeatureType.Scalar.INT,
            "label",
            FeatureType.Scalar.STRING,
            "tags_count",
            FeatureType.Scalar.INT);

    @Inject
    OfflineStore offline;

    @Test
    void onlineAtTMatchesOfflineAtTForEveryFeature() throws Exception {
        String env = "t-agree-" + UUID.randomUUID().toString().substring(0, 8);
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", """
                        project: agree
                        entities:
                          user:
                            key: id
                            max_staleness: 30d
                            features:
                              id: int
                              credit_score: {type: float, ingested: true}
                              segment: {type: string, ingested: true}
                              tier: {type: string, expression: "credit_score > 700.0 ? 'gold' : 'basic'"}
                              score_band: {type: int, expression: "int(credit_score / 100.0)"}
                              label: {type: string, expression: "segment + '-' + tier"}
                              tags_count: {type: int, expression: "size(segment) + id % 3", max_staleness: 0s}
                        """), "activate", true))
                .post("/v1/deployments")
                .then()
                .statusCode(201);

        Random random = new Random(42);
        Instant t0 = Instant.parse("2026-10-01T00:00:00Z");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long id = 1; id <= 40; id++) {
            for (int obs = 0; obs < 3; obs++) {
                Map<String, Object> row = new HashMap<>();
                row.put("user.id", id);
                row.put("user.credit_score", 300 + random.nextInt(550) + random.nextInt(100) / 100.0);
                row.put("user.segment", List.of("smb", "ent", "consumer").get(random.nextInt(3)));
                row.put(
                        "__ts__",
                        t0.plus(Duration.ofHours(random.nextInt(24 * 20))).toString());
                rows.add(row);
            }
        }
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("rows", rows, "store_online", false))
                .post("/v1/ingest")
                .then()
                .statusCode(200);

        // T for each user: after some of its observations; online queries see only what was observed <= T
        // (the online store is filled from the offline values by the same rows: ingest online as well)
        given().header(ENV, env)
                .contentType(ContentType.JSON)
                .body(Map.of("rows", rows, "store_online", true, "store_offline", false))
                .post("/v1/ingest")
                .then()
                .statusCode(200);
        Instant t = t0.plus(Duration.ofDays(25));
        Map<Long, JsonPath> online = new HashMap<>();
        for (long id = 1; id <= 40; id++) {
            online.put(
                    id,
                    given().header(ENV, env)
                            .contentType(ContentType.JSON)
                            .body(Map.of("inputs", Map.of("user.id", id), "outputs", OUTPUTS, "now", t.toString()))
                            .post("/v1/query/online")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath());
            assertThat(online.get(id).getList("errors")).isEmpty();
        }

        Map<String, String> versions = new HashMap<>();
        JsonPath catalog = given().header(ENV, env)
                .get("/v1/features")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        for (String output : OUTPUTS) {
            versions.put(output, catalog.getString("features.find { it.name == '" + output + "' }.version"));
        }
        List<SpineRow> spine = new ArrayList<>();
        for (long id = 1; id <= 40; id++) {
            spine.add(new SpineRow(EntityKey.of(id), t));
        }
        List<FeatureLookup> lookups = OUTPUTS.stream()
                .map(o -> {
                    String name = o.substring("user.".length());
                    return new FeatureLookup(new FeatureSlot(name, versions.get(o), TYPES.get(name)), Optional.empty());
                })
                .toList();

        // the feature log ships computed values in the background: wait until every one is there
        PointInTimeResult offlineAnswer = Awaitility.await("every computed value reached the offline store")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> offline.lookup(new PointInTimeQuery(env, "user", spine, lookups)),
                        OnlineOfflineAgreementTest::complete);

        for (int row = 0; row < spine.size(); row++) {
            long id = row + 1;
            for (int f = 0; f < OUTPUTS.size(); f++) {
                Object onlineValue = online.get(id).get("data[" + f + "].value");
                StoredValue offlineValue = offlineAnswer.get(row, f);
                assertThat(normalize(offlineValue.value()))
                        .as("user %d %s", id, OUTPUTS.get(f))
                        .isEqualTo(normalize(onlineValue));
            }
        }
    }

    private static boolean complete(PointInTimeResult r) {
        if (r == null) {
            return false;
        }
        for (int row = 0; row < r.size(); row++) {
            for (int f = 0; f < OUTPUTS.size(); f++) {
                if (r.get(row, f) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** JSON numbers come back as Integer/Float/Double; compare numbers by value. */
    private static Object normalize(Object v) {
        if (v instanceof Number n) {
            if (n instanceof Double || n instanceof Float) {
                return Math.round(n.doubleValue() * 100) / 100.0;
            }
            return n.longValue();
        }
        return v;
    }
}
