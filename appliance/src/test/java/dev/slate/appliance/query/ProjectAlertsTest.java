package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alert rules declared in the project ({@code alerts:}, docs/alerts.md "Rules in the project"): checked against the
 * environment's metrics and channels at deployment with file and line, kept while their deployment is active, owned by
 * the project (the API refuses to change them), and removed when a later deployment no longer declares them.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class ProjectAlertsTest {
    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("projalerts", FraudProjects::fraud);

    /** Line 2 declares the first rule, line 3 its formula. */
    private static final String ALERTS = """
            alerts:
              - name: too-many-requests
                formula: rate(slate_feature_requests_total{feature="user.email"})
                threshold: 1e12
                window: 1m
                severity: critical
                owner: team-risk
                channels: [ops]
            """;

    @BeforeEach
    void setUp() throws Exception {
        ENV.request()
                .body(Map.of("kind", "webhook", "url", "http://127.0.0.1:9/hook"))
                .put("/v1/alerts/channels/ops")
                .then()
                .statusCode(200);
    }

    private static Response deploy(String alertsYaml) {
        Map<String, String> files = new LinkedHashMap<>(FraudProjects.fraud());
        if (alertsYaml != null) {
            files.put("alerts.yaml", alertsYaml);
        }
        return ENV.request().body(Map.of("files", files, "activate", true)).post("/v1/deployments");
    }

    private static List<Map<String, Object>> rules() {
        return ENV.request()
                .get("/v1/alerts")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
    }

    @Test
    void declaredRulesFollowTheActiveDeploymentAndBelongToTheProject() {
        ENV.request()
                .body(Map.of("formula", "slate_feature_requests_total", "threshold", 1e12, "owner", "me"))
                .put("/v1/alerts/made-by-hand")
                .then()
                .statusCode(200);

        assertThat(deploy(ALERTS).statusCode()).isIn(200, 201);
        assertThat(rules()).anySatisfy(r -> {
            assertThat(r)
                    .containsEntry("name", "too-many-requests")
                    .containsEntry("origin", "project")
                    .containsEntry("declared_at", "alerts.yaml:2")
                    .containsEntry("severity", "critical")
                    .containsEntry("window", "1m")
                    .containsEntry("channels", List.of("ops"));
        });
        assertThat(rules())
                .anySatisfy(
                        r -> assertThat(r).containsEntry("name", "made-by-hand").containsEntry("origin", "api"));

        JsonPath refused = ENV.request()
                .body(Map.of("formula", "slate_feature_requests_total", "threshold", 1, "owner", "me"))
                .put("/v1/alerts/too-many-requests")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .extract()
                .jsonPath();
        assertThat(refused.getString("code")).isEqualTo("CONFLICT");
        assertThat(refused.getString("detail")).contains("declared in the active deployment's project (alerts.yaml:2)");
        ENV.request().delete("/v1/alerts/too-many-requests").then().statusCode(409);

        // a deployment without alerts.yaml removes the declared rule and keeps the one made by hand
        assertThat(deploy(null).statusCode()).isIn(200, 201);
        assertThat(rules())
                .extracting(r -> r.get("name"))
                .contains("made-by-hand")
                .doesNotContain("too-many-requests");
        ENV.request().delete("/v1/alerts/made-by-hand").then().statusCode(204);
    }

    @Test
    void anUnknownMetricOrChannelIsRefusedAtItsLineAndNothingIsStored() {
        int deployments = deploymentCount();
        JsonPath metric = deploy(ALERTS.replace("slate_feature_requests_total", "slate_feature_requestz_total"))
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .extract()
                .jsonPath();
        assertThat(metric.getString("code")).isEqualTo("VALIDATION_FAILED");
        assertThat(metric.getString("errors[0].file")).isEqualTo("alerts.yaml");
        assertThat(metric.getInt("errors[0].line")).isEqualTo(3);
        assertThat(metric.getString("errors[0].message"))
                .contains("alert 'too-many-requests': formula:")
                .contains("slate_feature_requestz_total")
                .contains("did you mean");

        JsonPath channel = deploy(ALERTS.replace("channels: [ops]", "channels: [pager]"))
                .then()
                .statusCode(422)
                .extract()
                .jsonPath();
        assertThat(channel.getInt("errors[0].line")).isEqualTo(2);
        assertThat(channel.getString("errors[0].message")).contains("no channel 'pager'");

        JsonPath malformed = deploy(ALERTS.replace(
                        "rate(slate_feature_requests_total{feature=\"user.email\"})",
                        "rate(slate_feature_requests_total"))
                .then()
                .statusCode(422)
                .extract()
                .jsonPath();
        assertThat(malformed.getString("errors[0].message")).contains("malformed formula");

        assertThat(rules()).extracting(r -> r.get("name")).doesNotContain("too-many-requests");
        assertThat(deploymentCount()).isEqualTo(deployments);
    }

    private static int deploymentCount() {
        return given().header("X-Slate-Environment", ENV.name())
                .contentType(ContentType.JSON)
                .get("/v1/deployments")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("deployments")
                .size();
    }
}
