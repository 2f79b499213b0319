package dev.slate.appliance.auth;

import static dev.slate.appliance.auth.Responses.HEADER;
import static dev.slate.appliance.auth.Responses.as;
import static dev.slate.appliance.auth.Responses.assertClean;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.appliance.testing.TestTokens;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Features tagged {@code pii}, and every feature computed from one (through an expression or as the
 * parameter of a resolver), are withheld per feature from identities without the grant; the pii-reader
 * gets them. The project's database credentials come from Slate's encrypted secret store, and the
 * stored password never shows up in any answer or log line.
 */
@QuarkusTest
class RestrictedFeaturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENV =
            "t-auth-pii-" + UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> OUTPUTS = List.of(
            "user.name",
            "user.is_adult",
            "user.email",
            "user.email_domain",
            "user.credit_limit",
            "user.risk_score",
            "user.country");
    private static final List<String> WITHHELD =
            List.of("user.email", "user.email_domain", "user.credit_limit", "user.risk_score", "user.country");
    private static final LogCapture LOG = new LogCapture();
    private static final List<Response> RESPONSES = new ArrayList<>();
    private static String password;

    /** Once per class, from {@code @BeforeEach}: RestAssured knows the application's port only from then on. */
    @BeforeEach
    void deploy() throws Exception {
        if (password != null) {
            return;
        }
        Logger.getLogger("").addHandler(LOG);
        AuthFraudData.seed();
        Response r = given().header(HEADER, ENV)
                .contentType(ContentType.JSON)
                .body(Map.of("files", AuthFraudData.project(), "activate", true))
                .post("/v1/deployments");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        RESPONSES.add(r);
        password = AuthFraudData.storeSecrets(ENV); // the environment's own secrets: it exists now
    }

    @AfterAll
    static void clean() throws Exception {
        Logger.getLogger("").removeHandler(LOG);
        try (Connection c = TestServers.postgres().connect()) {
            for (String sql : List.of(
                    "update environments set active_deployment_id = null where name = ?",
                    "delete from deployments where environment = ?",
                    "delete from environments where name = ?")) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setString(1, ENV);
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = c.prepareStatement("delete from secrets where name in (?, ?, ?)")) {
                s.setString(1, AuthFraudData.URL_SECRET);
                s.setString(2, AuthFraudData.USER_SECRET);
                s.setString(3, AuthFraudData.PASSWORD_SECRET);
                s.executeUpdate();
            }
        }
    }

    @Test
    void aViewerGetsNoPiiAndNothingComputedFromIt() throws IOException {
        String requestId = "pii-" + UUID.randomUUID();
        Response r = query(TestTokens.user(TestTokens.VIEWER), "/v1/query/online", Map.of("user.id", 2), requestId);
        JsonNode answer = JSON.readTree(r.asString());
        assertThat(field(answer.path("data"), "user.name").path("value").asText())
                .isNotBlank();
        assertThat(field(answer.path("data"), "user.is_adult").path("value").isBoolean())
                .isTrue();
        for (String f : WITHHELD) {
            JsonNode field = field(answer.path("data"), f);
            assertThat(field.path("value").isNull()).as("%s has no value", f).isTrue();
            assertThat(field.has("ts")).as("%s has no observation time", f).isFalse();
            assertThat(field.path("error").path("code").asText()).as(f).isEqualTo("UNAUTHORIZED");
            assertThat(field.path("error").path("message").asText())
                    .isEqualTo("feature '" + f + "' is withheld: it needs the 'pii' grant");
        }
        List<String> errorFeatures = new ArrayList<>();
        answer.path("errors").forEach(e -> errorFeatures.add(e.path("feature").asText()));
        assertThat(errorFeatures).containsExactlyInAnyOrderElementsOf(WITHHELD);
        // the values themselves are not anywhere in the answer
        JsonNode full = JSON.readTree(
                query(TestTokens.user(TestTokens.PII_READER), "/v1/query/online", Map.of("user.id", 2), null)
                        .asString());
        String email = field(full.path("data"), "user.email").path("value").asText();
        assertThat(r.asString()).doesNotContain(email, email.substring(email.indexOf('@') + 1));

        // why it was withheld is in the audit log, with the chain to the tagged input
        List<Map<String, Object>> entries = given().queryParam("subject", "user:" + TestTokens.VIEWER)
                .queryParam("outcome", "WITHHELD")
                .queryParam("limit", "1000")
                .get("/v1/audit")
                .jsonPath()
                .getList("entries");
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("request_id")).isEqualTo(requestId);
            assertThat((String) e.get("query_id"))
                    .isEqualTo(answer.path("meta").path("query_id").asText());
            assertThat(e.get("environment")).isEqualTo(ENV);
            assertThat((String) e.get("target")).contains("user.credit_limit", "user.email");
            assertThat((String) e.get("detail"))
                    .contains("user.credit_limit <- user.country", "user.email_domain <- user.email");
        });
    }

    @Test
    void thePiiReaderGetsEverything() throws IOException {
        JsonNode answer = JSON.readTree(
                query(TestTokens.user(TestTokens.PII_READER), "/v1/query/online", Map.of("user.id", 2), null)
                        .asString());
        for (String f : OUTPUTS) {
            JsonNode field = field(answer.path("data"), f);
            assertThat(field.path("error").isNull()).as("%s: %s", f, field).isTrue();
            assertThat(field.path("value").isNull()).as(f).isFalse();
        }
        assertThat(field(answer.path("data"), "user.email").path("value").asText())
                .contains("@");
        assertThat(answer.path("errors")).isEmpty();
    }

    @Test
    void bulkAnswersWithholdPerRowAndOthersAreUntouched() throws IOException {
        JsonNode answer = JSON.readTree(
                query(TestTokens.reporting(), "/v1/query/online/bulk", Map.of("user.id", List.of(1, 2, 3)), null)
                        .asString());
        assertThat(answer.path("data")).hasSize(3);
        for (JsonNode row : answer.path("data")) {
            assertThat(field(row, "user.email").path("error").path("code").asText())
                    .isEqualTo("UNAUTHORIZED");
            assertThat(field(row, "user.email").path("pkey").isNumber()).isTrue();
            assertThat(field(row, "user.name").path("value").asText()).isNotBlank();
        }
        assertThat(answer.path("errors")).hasSize(3 * WITHHELD.size());
        assertThat(answer.path("errors").get(0).path("row").isNumber()).isTrue();
    }

    @Test
    void theStoredPasswordNeverAppearsInAnswersOrLogs() {
        RESPONSES.add(given().header(HEADER, ENV).get("/v1/secrets"));
        RESPONSES.add(given().header(HEADER, ENV).get("/v1/deployments"));
        RESPONSES.add(given().header(HEADER, ENV).get("/v1/graph"));
        RESPONSES.add(given().queryParam("limit", "1000").get("/v1/audit"));
        RESPONSES.add(query(TestTokens.user(TestTokens.PII_READER), "/v1/query/online", Map.of("user.id", 5), null));
        Response list = given().header(HEADER, ENV).get("/v1/secrets"); // the environment's own secrets
        list.then().statusCode(200);
        assertThat(list.jsonPath().getList("secrets.name")).contains(AuthFraudData.PASSWORD_SECRET);
        assertThat(list.jsonPath()
                        .getString("secrets.find { it.name == '" + AuthFraudData.PASSWORD_SECRET + "' }.key_id"))
                .startsWith("k-");
        assertThat(list.jsonPath().getMap("secrets.find { it.name == '" + AuthFraudData.PASSWORD_SECRET + "' }"))
                .doesNotContainKey("value");
        for (Response r : RESPONSES) {
            assertClean(r, password);
        }
        assertThat(LOG.text()).as("captured log").isNotEmpty().doesNotContain(password);
    }

    private static Response query(String token, String path, Map<String, Object> inputs, String requestId) {
        var spec = as(token).header(HEADER, ENV).contentType(ContentType.JSON);
        if (requestId != null) {
            spec = spec.header("X-Request-Id", requestId);
        }
        Response r = spec.body(Map.of(
                        "inputs",
                        inputs,
                        "outputs",
                        OUTPUTS,
                        "staleness",
                        Map.of("user.credit_limit", "0s"),
                        "include_meta",
                        true))
                .post(path);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        RESPONSES.add(r);
        return r;
    }

    private static JsonNode field(JsonNode row, String name) {
        for (JsonNode f : row) {
            if (name.equals(f.path("field").asText())) {
                return f;
            }
        }
        throw new AssertionError("no field " + name + " in " + row);
    }

    /** Every log record of the application while the test class runs, formatted, with stack traces. */
    static final class LogCapture extends Handler {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext
                    ? ext.getFormattedMessage()
                    : new SimpleFormatter().formatMessage(record);
            text.append(record.getLevel())
                    .append(' ')
                    .append(record.getLoggerName())
                    .append(' ')
                    .append(message)
                    .append('\n');
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                text.append("  ").append(t).append('\n');
            }
        }

        synchronized String text() {
            return text.toString();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        LogCapture() {
            setLevel(Level.ALL);
        }
    }
}
