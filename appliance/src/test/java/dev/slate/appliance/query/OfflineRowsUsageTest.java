package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slate.serving.telemetry.UsageJson;
import dev.slate.serving.telemetry.UsageMetric;
import dev.slate.serving.telemetry.UsageRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An offline query job that succeeds is billed once, with its result rows, as an {@code offline_rows} usage record
 * written in the transaction that marks it SUCCEEDED (docs/specs/usage-records.md). Telemetry is on in this profile
 * and its Kafka broker is down, so the record waits in the outbox, where {@code GET /v1/usage/records} reads it.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class OfflineRowsUsageTest {

    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("offrows", FraudProjects::fraud);

    @Test
    void aSucceededOfflineJobIsBilledOnceWithItsRows() {
        Instant since = Instant.now().minusSeconds(60);
        String job = ENV.request()
                .body(Map.of(
                        "inputs", Map.of("user.id", List.of(1, 2, 3, 1)),
                        "input_times",
                                List.of(
                                        "2026-05-01T12:00:00Z",
                                        "2026-05-01T12:00:00Z",
                                        "2026-05-02T12:00:00Z",
                                        "2026-05-03T12:00:00Z"),
                        "outputs", List.of("user.email_domain")))
                .post("/v1/query/offline")
                .then()
                .statusCode(202)
                .extract()
                .path("job_id");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> ENV.request()
                                .get("/v1/query/offline/" + job)
                                .then()
                                .extract()
                                .<String>path("status"),
                        "SUCCEEDED"::equals);

        List<UsageRecord> offline = records(since).stream()
                .filter(r -> r.environment().equals(ENV.name()) && r.metric() == UsageMetric.OFFLINE_ROWS)
                .toList();
        assertThat(offline).singleElement().satisfies(r -> {
            assertThat(r.quantity()).isEqualTo(4);
            assertThat(r.queryName()).isEmpty();
        });
    }

    private static List<UsageRecord> records(Instant since) {
        String page = RestAssured.given()
                .queryParam("since", since.toString())
                .queryParam("limit", "10000")
                .get("/v1/usage/records")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return page.lines()
                .map(l -> UsageJson.decode(l.getBytes(StandardCharsets.UTF_8)))
                .toList();
    }
}
