package dev.slate.appliance.auth;

import static dev.slate.appliance.auth.Responses.PROBLEM;
import static dev.slate.appliance.auth.Responses.anonymous;
import static dev.slate.appliance.auth.Responses.as;
import static dev.slate.appliance.auth.Responses.assertClean;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.slate.appliance.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code slate.auth.metrics-policy=authenticated}: {@code /q/metrics} needs a valid token of the realm, and
 * refuses everyone else with the API's problem+json 401 (code {@code UNAUTHENTICATED}), audited.
 */
@QuarkusTest
@TestProfile(MetricsPolicyTest.AuthenticatedMetrics.class)
class MetricsPolicyTest {

    public static final class AuthenticatedMetrics implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("slate.auth.metrics-policy", "authenticated");
        }
    }

    @Test
    void withoutATokenMetricsAnswerAProblem() {
        String requestId = "metrics-" + UUID.randomUUID();
        Response r = anonymous().header("X-Request-Id", requestId).get("/q/metrics");
        assertRefused(r, false);
        assertThat(r.getHeader("X-Request-Id")).isEqualTo(requestId);
        r.then().body("detail", equalTo(AuthProblems.NO_TOKEN));

        List<Map<String, Object>> entries = given().queryParam("outcome", "DENIED")
                .queryParam("subject", "anonymous")
                .queryParam("limit", "1000")
                .get("/v1/audit")
                .jsonPath()
                .getList("entries");
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("request_id")).isEqualTo(requestId);
            assertThat(e.get("action")).isEqualTo("metrics.read");
            assertThat(e.get("path")).isEqualTo("/q/metrics");
            assertThat(e.get("status")).isEqualTo(401);
        });
    }

    @Test
    void aBadTokenIsRefusedTheSameWay() {
        String vera = TestTokens.user(TestTokens.VIEWER);
        for (String token : List.of("not-a-jwt", Jwts.tamperedSignature(vera), Jwts.unsigned(vera, p -> {}))) {
            Response r = as(token).get("/q/metrics");
            assertRefused(r, true);
            r.then().body("detail", equalTo(AuthProblems.BAD_TOKEN));
            assertClean(r, token);
        }
        Response prefixed = as(vera).get("/q/metrics/");
        assertThat(prefixed.statusCode())
                .as("the path below metrics is not a way around")
                .isNotEqualTo(401);
    }

    @Test
    void anyValidTokenOfTheRealmReadsMetricsAndHealthStaysOpen() {
        Response viewer = as(TestTokens.user(TestTokens.VIEWER)).get("/q/metrics");
        viewer.then().statusCode(200);
        assertThat(viewer.asString()).contains("# TYPE");
        as(TestTokens.service()).get("/q/metrics").then().statusCode(200);
        anonymous().get("/q/health/ready").then().statusCode(200);
        // the API is unchanged
        anonymous().get("/v1/deployments").then().statusCode(401).contentType(PROBLEM);
    }

    private static void assertRefused(Response r, boolean tokenPresented) {
        r.then()
                .statusCode(401)
                .contentType(PROBLEM)
                .body("code", equalTo("UNAUTHENTICATED"))
                .body("status", equalTo(401))
                .body("type", equalTo("urn:slate:problem:unauthenticated"));
        assertThat(r.getHeader("WWW-Authenticate"))
                .isEqualTo(
                        tokenPresented ? "Bearer realm=\"slate\", error=\"invalid_token\"" : "Bearer realm=\"slate\"");
        assertThat(r.getHeader("X-Request-Id")).isNotBlank();
        assertThat(r.asString()).doesNotContain("# TYPE", "# HELP");
        assertClean(r);
    }
}
