package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Health tells the truth quickly (docs/operations.md, "Health"): the metadata database and Redis are
 * reached through proxies the test freezes (connections open, no bytes: a SIGSTOPped server) or cuts
 * (connections reset). Every health answer must come back and name the failing check; the 10 s
 * bound is only the test's guard against a hang, not a latency claim.
 */
@QuarkusTest
@TestProfile(DependencyOutageProfile.class)
class DependencyOutageHealthTest {
    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("outage", FraudProjects::fraud);

    private static final Duration GUARD = Duration.ofSeconds(10);

    @AfterEach
    void restore() {
        DependencyOutageProfile.control("pg FORWARD");
        DependencyOutageProfile.control("redis FORWARD");
        awaitHealth("/q/health/ready", j -> "UP".equals(j.getString("status")));
        awaitHealth("/q/health/well", j -> "UP".equals(j.getString("status")));
    }

    @Test
    void frozenMetadataDatabaseGivesABoundedReadinessAnswerNamingTheCheck() {
        DependencyOutageProfile.control("pg FROZEN");
        Response ready = assertTimeoutPreemptively(GUARD, () -> given().get("/q/health/ready"));
        assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(503);
        JsonPath json = ready.jsonPath();
        assertThat(json.getString("status")).isEqualTo("DOWN");
        assertThat(json.getString("checks.find { it.name == 'metadata-database' }.status"))
                .isEqualTo("DOWN");
        assertThat(json.getString("checks.find { it.name == 'metadata-database' }.data.error"))
                .isEqualTo("no answer within 300 ms");
        // the other checks answered too, each for itself
        assertThat(json.getString("checks.find { it.name == 'online-store' }.status"))
                .isEqualTo("UP");
        assertThat(json.getString("checks.find { it.name == 'Slate active deployments' }.status"))
                .isEqualTo("UP");

        Response again = assertTimeoutPreemptively(GUARD, () -> given().get("/q/health"));
        assertThat(again.jsonPath().getString("checks.find { it.name == 'metadata-database' }.data.error"))
                .isEqualTo("no answer within 300 ms");
    }

    @Test
    void unreachableRedisIsDegradedReadyButNotWell() {
        DependencyOutageProfile.control("redis REFUSE");
        JsonPath well = awaitHealth(
                "/q/health/well", j -> "DOWN".equals(j.getString("checks.find { it.name == 'online-store' }.status")));
        assertThat(well.getString("checks.find { it.name == 'online-store' }.data.error"))
                .isNotBlank();

        Response ready = assertTimeoutPreemptively(GUARD, () -> given().get("/q/health/ready"));
        assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(200);
        JsonPath json = ready.jsonPath();
        assertThat(json.getString("status")).isEqualTo("UP");
        assertThat(json.getString("checks.find { it.name == 'online-store' }.status"))
                .isEqualTo("UP");
        assertThat(json.getString("checks.find { it.name == 'online-store' }.data.state"))
                .isEqualTo("degraded");
        assertThat(json.getString("checks.find { it.name == 'metadata-database' }.status"))
                .isEqualTo("UP");

        // ready is the truth: the replica still answers, by computing
        Answer answer = Answer.of(ENV.query(
                Map.of("inputs", Map.of("user.id", 3), "outputs", List.of("user.email"), "include_meta", true)));
        assertThat(answer.value("user.email").asText()).contains("@");
        assertThat(answer.cacheHit("user.email")).isFalse();

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("slate_dependency_up{dependency=\"online-store\"} 0.0");
        assertThat(metrics).contains("slate_dependency_up{dependency=\"metadata-database\"} 1.0");
    }

    @Test
    void frozenRedisIsReportedWithinTheBound() {
        DependencyOutageProfile.control("redis FROZEN");
        Response well = assertTimeoutPreemptively(GUARD, () -> given().get("/q/health/well"));
        assertThat(well.statusCode()).as(well.asString()).isEqualTo(503);
        assertThat(well.jsonPath().getString("checks.find { it.name == 'online-store' }.data.error"))
                .isEqualTo("no answer within 300 ms");
        Response ready = assertTimeoutPreemptively(GUARD, () -> given().get("/q/health/ready"));
        assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(200);
        assertThat(ready.jsonPath().getString("checks.find { it.name == 'online-store' }.data.state"))
                .isEqualTo("degraded");
    }

    /** Polls a health endpoint until its JSON satisfies {@code done} (at most the guard). */
    private static JsonPath awaitHealth(String path, Predicate<JsonPath> done) {
        return Awaitility.await()
                .atMost(GUARD)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> given().get(path).jsonPath(), done::test);
    }
}
