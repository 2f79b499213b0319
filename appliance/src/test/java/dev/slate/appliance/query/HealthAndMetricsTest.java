package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Readiness covers PostgreSQL, Redis and the active deployments; Prometheus shows what queries did. */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class HealthAndMetricsTest {
    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("health", HealthAndMetricsTest::withNamedQuery);

    @RegisterExtension
    static final QueryEnvironment BROKEN = QueryEnvironment.of("metrics-broken");

    @Test
    void readinessReportsPostgresRedisAndTheActiveDeployment() {
        String deployments = "checks.find { it.name == 'Slate active deployments' }";
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'metadata-database' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'online-store' }.data.state", equalTo("ok"))
                .body("checks.find { it.name == 'online-store' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'online-store' }.data.kind", equalTo("redis"))
                .body(deployments + ".status", equalTo("UP"))
                .body(deployments + ".data.'" + ENV.name() + ".deployment_id'", equalTo(ENV.deploymentId()))
                .body(deployments + ".data.'" + ENV.name() + ".project'", equalTo("fraud"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsShowQueryLatencyResolverRunsAndCacheReads() {
        String before = metrics();
        String env = "environment=\"" + ENV.name() + "\",";
        double queriesBefore =
                value(before, "slate_query_duration_seconds_count", env + "kind=\"online\",query_name=\"adhoc\"");
        double bulkBefore =
                value(before, "slate_query_duration_seconds_count", env + "kind=\"bulk\",query_name=\"adhoc\"");
        double profileBefore =
                value(before, "slate_resolver_duration_seconds_count", "resolver=\"user_profile\",outcome=\"ok\"");
        double hitsBefore = value(before, "slate_online_store_reads_total", "result=\"hit\"");
        double missesBefore = value(before, "slate_online_store_reads_total", "result=\"miss\"");

        Map<String, Object> body = Map.of(
                "inputs",
                Map.of("user.id", 77),
                "outputs",
                List.of("user.email", "user.credit_limit"),
                "staleness",
                Map.of("user.email", "0s"));
        Answer.of(ENV.query(
                body)); // a new environment: credit_limit misses; email bypasses the cache, so user_profile runs
        int online = 1;
        boolean hit = false;
        for (long deadline = System.nanoTime() + 10_000_000_000L; !hit && System.nanoTime() < deadline; online++) {
            // until the write-back has landed: then credit_limit is a cache hit
            hit = Answer.of(ENV.query(Map.of(
                            "inputs",
                            Map.of("user.id", 77),
                            "outputs",
                            List.of("user.credit_limit"),
                            "include_meta",
                            true)))
                    .cacheHit("user.credit_limit");
        }
        assertThat(hit)
                .as("credit_limit served from Redis after the write-back")
                .isTrue();
        Answer.of(ENV.bulk(Map.of("inputs", Map.of("user.id", List.of(78, 79)), "outputs", List.of("user.name"))));

        String after = metrics();
        assertThat(value(after, "slate_query_duration_seconds_count", env + "kind=\"online\",query_name=\"adhoc\""))
                .isEqualTo(queriesBefore + online);
        assertThat(value(after, "slate_query_duration_seconds_count", env + "kind=\"bulk\",query_name=\"adhoc\""))
                .isEqualTo(bulkBefore + 1);
        assertThat(after)
                .containsPattern("slate_query_duration_seconds_bucket\\{" + Pattern.quote(env)
                        + "kind=\"online\",query_name=\"adhoc\",le=\"[0-9.+Inf]+\"} [0-9.E]+");
        assertThat(value(after, "slate_resolver_duration_seconds_count", "resolver=\"user_profile\",outcome=\"ok\""))
                .isGreaterThan(profileBefore);
        assertThat(after).contains("slate_resolver_duration_seconds_bucket{outcome=\"ok\",resolver=\"user_profile\"");
        assertThat(value(after, "slate_online_store_reads_total", "result=\"hit\""))
                .isGreaterThan(hitsBefore);
        assertThat(value(after, "slate_online_store_reads_total", "result=\"miss\""))
                .isGreaterThan(missesBefore);
    }

    @Test
    void metricsCountResolverErrors() {
        BROKEN.deployOnce(FraudProjects.missingCreditTable());
        double before = value(metrics(), "slate_resolver_errors_total", "resolver=\"user_credit\",outcome=\"failed\"");
        double featureErrorsBefore = value(metrics(), "slate_feature_errors_total", "code=\"RESOLVER_FAILED\"");
        Answer.of(BROKEN.query(Map.of("inputs", Map.of("user.id", 5), "outputs", List.of("user.credit_limit"))));
        String after = metrics();
        assertThat(value(after, "slate_resolver_errors_total", "resolver=\"user_credit\",outcome=\"failed\""))
                .isEqualTo(before + 1);
        assertThat(value(after, "slate_resolver_duration_seconds_count", "resolver=\"user_credit\",outcome=\"failed\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(after, "slate_feature_errors_total", "code=\"RESOLVER_FAILED\""))
                .isEqualTo(featureErrorsBefore + 1);
    }

    @Test
    void everyDocumentedMetricIsExposedWithBoundedLabels() {
        long key = 918_273_645L; // no such user: the key must never show up in a label
        String env = "environment=\"" + ENV.name() + "\"";
        double namedBefore = value(
                metrics(), "slate_query_duration_seconds_count", env + ",kind=\"online\",query_name=\"fraud_check\"");
        double requestsBefore = value(metrics(), "slate_feature_requests_total", env + ",feature=\"user.email\"");
        double badRequestsBefore = value(metrics(), "slate_request_errors_total", "code=\"RESOLVER_NOT_FOUND\"");
        Answer.of(ENV.query(Map.of("inputs", Map.of("user.id", key), "query_name", "fraud_check")));
        Answer.of(ENV.query(Map.of("inputs", Map.of("user.id", key), "outputs", List.of("user.email"))));
        ENV.query(Map.of("inputs", Map.of("user.id", key), "outputs", List.of("user.no_such_feature")))
                .then()
                .statusCode(400);

        String after = metrics();
        assertThat(value(
                        after,
                        "slate_query_duration_seconds_count",
                        env + ",kind=\"online\",query_name=\"fraud_check\""))
                .isEqualTo(namedBefore + 1);
        assertThat(value(after, "slate_query_duration_seconds_count", env + ",kind=\"online\",query_name=\"adhoc\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(after, "slate_feature_requests_total", env + ",feature=\"user.email\""))
                .isEqualTo(requestsBefore + 2);
        assertThat(value(after, "slate_request_errors_total", "code=\"RESOLVER_NOT_FOUND\""))
                .isEqualTo(badRequestsBefore + 1);
        for (String name : List.of(
                "slate_query_duration_seconds_bucket",
                "slate_resolver_duration_seconds_count",
                "slate_feature_requests_total",
                "slate_feature_cache_hits_total",
                "slate_feature_served_age_seconds_count",
                "slate_feature_served_age_seconds_sum",
                "slate_feature_served_age_max_seconds",
                "slate_feature_errors_total",
                "slate_request_errors_total",
                "slate_online_store_reads_total",
                "slate_feature_log_backlog_bytes",
                "slate_dependency_up",
                "slate_traces_stored")) {
            assertThat(after).as("metric %s", name).containsPattern("(?m)^" + name + "[{ ]");
        }
        // no label value anywhere is the entity key or the unbounded query name
        Matcher labels = Pattern.compile("=\"([^\"]*)\"").matcher(after);
        while (labels.find()) {
            assertThat(labels.group(1)).doesNotContain(Long.toString(key));
        }
    }

    /** The fraud project with one named query, {@code fraud_check}. */
    private static Map<String, String> withNamedQuery() {
        Map<String, String> files = new HashMap<>(FraudProjects.fraud());
        files.put("slate.yaml", files.get("slate.yaml") + """

                named_queries:
                  - name: fraud_check
                    inputs: [user.id]
                    outputs: [user.email, user.credit_limit]
                """);
        return files;
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The value of a sample whose labels contain every {@code name="value"} pair of {@code labels}
     * (in any order; Prometheus sorts labels by name), or 0 when there is none yet.
     */
    private static double value(String exposition, String metric, String labels) {
        List<String> wanted = labels.isEmpty() ? List.of() : List.of(labels.split(","));
        Pattern line =
                Pattern.compile("^" + Pattern.quote(metric) + "(?:\\{([^}]*)})? ([-+0-9.eE]+|NaN)$", Pattern.MULTILINE);
        Matcher m = line.matcher(exposition);
        while (m.find()) {
            String have = m.group(1) == null ? "" : m.group(1);
            List<String> haveLabels = List.of(have.split(","));
            if (haveLabels.containsAll(wanted)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
