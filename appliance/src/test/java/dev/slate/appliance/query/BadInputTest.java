package dev.slate.appliance.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.slate.appliance.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad requests get a 4xx {@code application/problem+json} with a stable code and a message that says
 * exactly what is wrong; never a 500, and never a disturbance of the requests that follow.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
class BadInputTest {
    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("bad-input", FraudProjects::fraud);

    private static final String PROBLEM = QueryEnvironment.PROBLEM;

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void stillServes() throws Exception {
        // whatever the test sent, a good query right after it is answered correctly
        Answer a = Answer.of(ENV.query(Map.of("inputs", Map.of("user.id", 4), "outputs", List.of("user.email"))));
        assertThat(a.value("user.email").asText()).isEqualTo(ENV.data().user(4).email());
    }

    private static ValidatableResponse raw(String path, String body) {
        return ENV.request().body(body).post(path).then();
    }

    private static ValidatableResponse problem(ValidatableResponse r, int status, String code) {
        return r.log()
                .ifValidationFails()
                .statusCode(status)
                .contentType(PROBLEM)
                .body("code", equalTo(code))
                .body("status", equalTo(status))
                .body(
                        "type",
                        equalTo("urn:slate:problem:"
                                + code.toLowerCase(Locale.ROOT).replace('_', '-')))
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }

    @Test
    void malformedJsonIsAParseFailureThatSaysWhere() {
        problem(raw("/v1/query/online", "{\"inputs\": {\"user.id\": 1}, \"outputs\": ["), 400, "PARSE_FAILED")
                .body("detail", containsString("malformed JSON"));
        problem(
                        raw("/v1/query/online", "{\"inputs\": {\"user.id\": 1},\n \"outputs\": [\"user.email\"}"),
                        400,
                        "PARSE_FAILED")
                .body("detail", containsString("line 2"));
        problem(raw("/v1/query/online", "not json"), 400, "PARSE_FAILED");
        problem(raw("/v1/query/online", "[]"), 400, "PARSE_FAILED")
                .body("detail", equalTo("the request body must be a JSON object (line 1, column 1)"));
        problem(raw("/v1/query/online", "\"just a string\""), 400, "PARSE_FAILED")
                .body("detail", equalTo("the request body must be a JSON object (line 1, column 1)"));
        problem(raw("/v1/query/online", "{\"inputs\": 5, \"outputs\": [\"user.email\"]}"), 400, "PARSE_FAILED")
                .body("detail", startsWith("field 'inputs' has the wrong type: expected a JSON object"));
        problem(
                        raw("/v1/query/online", "{\"inputs\": {\"user.id\": 1}, \"outputs\": \"user.email\"}"),
                        400,
                        "PARSE_FAILED")
                .body("detail", startsWith("field 'outputs' has the wrong type: expected a list"));
        problem(
                        raw(
                                "/v1/query/online",
                                "{\"inputs\": {\"user.id\": 1}, \"outputs\": [\"user.email\"], \"explain\": \"yes please\"}"),
                        400,
                        "PARSE_FAILED")
                .body("detail", startsWith("field 'explain' has the wrong type: expected true or false"));
        problem(
                        raw(
                                "/v1/query/online",
                                "{\"inputs\": {\"user.id\": 1}, \"outputs\": [\"user.email\"], \"include_meta\": {\"a\": 1}}"),
                        400,
                        "PARSE_FAILED")
                .body("detail", startsWith("field 'include_meta' has the wrong type: expected true or false"))
                .body("detail", not(containsString("java.")));
        problem(
                        raw("/v1/query/online", "{\"inputs\": {\"user.id\": 1}, \"outputs\": [[\"user.email\"]]}"),
                        400,
                        "PARSE_FAILED")
                .body("detail", startsWith("field 'outputs[0]' has the wrong type: expected a string"));
        problem(
                        raw(
                                "/v1/query/online",
                                "{\"inputs\": {\"user.id\": 1}, \"outputs\": [\"user.email\"], \"outptus\": []}"),
                        400,
                        "PARSE_FAILED")
                .body("detail", containsString("unknown field 'outptus'"));
        problem(raw("/v1/query/online", ""), 400, "PARSE_FAILED");
        problem(raw("/v1/query/online", "null"), 400, "PARSE_FAILED");
        problem(
                raw("/v1/query/online/bulk", "{\"inputs\": {\"user.id\": [1, 2}, \"outputs\": [\"user.email\"]}"),
                400,
                "PARSE_FAILED");
        problem(
                        raw(
                                "/v1/query/online",
                                "{\"inputs\": {\"user.id\": 1}, \"outputs\": [\"user.email\"]} trailing"),
                        400,
                        "PARSE_FAILED")
                .body("detail", containsString("malformed JSON"));
        problem(
                raw("/v1/query/online", "{\"inputs\": {\"user.id\": 1}, \"outputs\": [\"user.email\"]} {}"),
                400,
                "PARSE_FAILED");
    }

    @Test
    void anUnknownFeatureIsNotFoundAndAMisspelledOneGetsASuggestion() {
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user.shoe_size")))
                                .then(),
                        400,
                        "RESOLVER_NOT_FOUND")
                .body("detail", equalTo("unknown feature 'user.shoe_size'"))
                .body("errors", hasSize(1))
                .body("errors[0].field", equalTo("outputs"))
                .body("errors[0].name", equalTo("user.shoe_size"));
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user.emial")))
                                .then(),
                        400,
                        "RESOLVER_NOT_FOUND")
                .body("detail", equalTo("unknown feature 'user.emial' (did you mean 'user.email'?)"));
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("usr.credit_limit")))
                                .then(),
                        400,
                        "RESOLVER_NOT_FOUND")
                .body("detail", containsString("did you mean 'user.credit_limit'?"));
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("email")))
                                .then(),
                        400,
                        "RESOLVER_NOT_FOUND")
                .body("detail", containsString("unknown feature 'email'"));
        // a misspelled input is a mistake in the query as a whole
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.idd", 1), "outputs", List.of("user.email")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", equalTo("unknown feature 'user.idd' (did you mean 'user.id'?)"))
                .body("errors[0].field", equalTo("inputs"));
        // several problems are all listed
        problem(
                        ENV.query(Map.of(
                                        "inputs",
                                        Map.of("user.id", 1),
                                        "outputs",
                                        List.of("user.emial", "user.nmae", "user.email")))
                                .then(),
                        400,
                        "RESOLVER_NOT_FOUND")
                .body("detail", equalTo("2 problems in the query; see errors"))
                .body("errors.name", equalTo(List.of("user.emial", "user.nmae")));
        problem(
                        ENV.query(Map.of(
                                        "inputs",
                                        Map.of("user.id", 1),
                                        "outputs",
                                        List.of("user.email"),
                                        "staleness",
                                        Map.of("user.emali", "0s")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("errors[0].field", equalTo("staleness"))
                .body("detail", containsString("did you mean 'user.email'?"));
    }

    @Test
    void aWrongInputTypeSaysWhichInputAndWhatWasExpected() {
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.id", "abc"), "outputs", List.of("user.email")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", equalTo("user.id: expected int, got string 'abc'"))
                .body("errors[0].field", equalTo("inputs"))
                .body("errors[0].name", equalTo("user.id"));
        for (Object bad : List.of(1.5, true, Map.of("a", 1), List.of(1), "12345678901234567890123")) {
            problem(
                            ENV.query(Map.of("inputs", Map.of("user.id", bad), "outputs", List.of("user.email")))
                                    .then(),
                            400,
                            "INVALID_QUERY")
                    .body("detail", containsString("user.id: expected int"));
        }
        problem(
                        ENV.query(Map.of(
                                        "inputs",
                                        Map.of("user.id", 1, "user.age", "old"),
                                        "outputs",
                                        List.of("user.is_adult")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", equalTo("user.age: expected int, got string 'old'"));
        problem(
                        ENV.bulk(Map.of(
                                        "inputs",
                                        Map.of("user.id", List.of(1, "two", 3)),
                                        "outputs",
                                        List.of("user.email")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("errors[0].name", equalTo("user.id[1]"));
        problem(
                        ENV.bulk(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user.email")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", containsString("a bulk query needs a list of values per input"));
        problem(
                        ENV.bulk(Map.of(
                                        "inputs",
                                        Map.of("user.id", List.of(1, 2), "user.country", List.of("US")),
                                        "outputs",
                                        List.of("user.credit_limit")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", containsString("every input needs one value per row"));
        problem(
                        ENV.query(Map.of(
                                        "inputs",
                                        Map.of("user.id", 1),
                                        "outputs",
                                        List.of("user.email"),
                                        "staleness",
                                        Map.of("user.email", "soon")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("errors[0].field", equalTo("staleness"));
        problem(
                        ENV.query(Map.of(
                                        "inputs",
                                        Map.of("user.id", 1),
                                        "outputs",
                                        List.of("user.email"),
                                        "now",
                                        "yesterday"))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", containsString("'yesterday' is not an ISO-8601 date-time"));
    }

    @Test
    void aMissingKeyInputIsNamed() {
        problem(
                        ENV.query(Map.of("inputs", Map.of("transaction.id", 1), "outputs", List.of("user.email")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", containsString("missing input user.id"))
                .body("detail", containsString("user.email"));
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.name", "Ada"), "outputs", List.of("user.credit_limit")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", containsString("missing input user.id"));
        Map<String, Object> nullKey = new LinkedHashMap<>();
        nullKey.put("user.id", null);
        problem(
                        ENV.query(Map.of("inputs", nullKey, "outputs", List.of("user.email")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", equalTo("key user.id must not be null"));
        problem(
                        ENV.query(Map.of("inputs", Map.of(), "outputs", List.of("user.email")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", containsString("'inputs' must give at least one feature"));
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of()))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", containsString("'outputs' must name at least one feature"));
        problem(raw("/v1/query/online", "{\"inputs\": {\"user.id\": 1}}"), 400, "INVALID_QUERY");
    }

    @Test
    void tenThousandOutputsAreRefusedWithTheLimit() {
        List<String> outputs = new ArrayList<>(Collections.nCopies(10_000, "user.email"));
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", outputs))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", equalTo("too many outputs: 10000 (at most 1000)"));
        List<String> distinct = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            distinct.add("user.f" + i);
        }
        problem(
                        ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", distinct))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", equalTo("too many outputs: 10000 (at most 1000)"));
        // 1,000 unknown names are fine to check, and the answer stays small: one entry per problem, no huge detail
        Response r = ENV.query(Map.of("inputs", Map.of("user.id", 1), "outputs", distinct.subList(0, 1000)));
        problem(r.then(), 400, "RESOLVER_NOT_FOUND")
                .body("detail", equalTo("1000 problems in the query; see errors"))
                .body("errors", hasSize(1000));
        List<Long> rows = new ArrayList<>();
        for (long i = 0; i <= 10_000; i++) {
            rows.add(i);
        }
        problem(
                        ENV.bulk(Map.of("inputs", Map.of("user.id", rows), "outputs", List.of("user.email")))
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", equalTo("too many rows: 10001 (at most 10000)"));
    }

    @Test
    void anOversizedBodyIsRefusedAsAProblem() throws Exception {
        String big = "{\"inputs\": {\"user.id\": 1}, \"outputs\": [\"user.email\"], \"query_name\": \""
                + "x".repeat(9 * 1024 * 1024) + "\"}";
        problem(raw("/v1/query/online", big), 413, "PAYLOAD_TOO_LARGE")
                .body("detail", containsString("at most 8388608 bytes"));
        problem(raw("/v1/deployments", big), 413, "PAYLOAD_TOO_LARGE");
        // without a Content-Length (chunked): refused once the limit is passed, also beyond the HTTP layer's own limit
        for (int mib : new int[] {9, 11}) {
            byte[] body =
                    ("{\"query_name\": \"" + "y".repeat(mib * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
            for (String path : List.of("/v1/query/online", "/v1/deployments")) {
                HttpResponse<String> r = chunked(path, body);
                assertThat(r.statusCode())
                        .as("%d MiB chunked to %s: %s", mib, path, r.body())
                        .isEqualTo(413);
                assertThat(r.headers().firstValue("Content-Type")).contains(PROBLEM);
                assertThat(r.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
            }
        }
        // a small chunked body is read as usual
        HttpResponse<String> small = chunked(
                "/v1/query/online",
                "{\"inputs\": {\"user.id\": 2}, \"outputs\": [\"user.email\"]}".getBytes(StandardCharsets.UTF_8));
        assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        assertThat(small.body()).contains("\"value\":\"" + "chen.2@corp.test" + "\"");
    }

    /** Posts the body without a Content-Length (HTTP/1.1 chunked transfer encoding). */
    private HttpResponse<String> chunked(String path, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .header(QueryEnvironment.HEADER, ENV.name())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        if (TestTokens.available()) { // not RestAssured: the default token is not added by itself
            request.header("Authorization", TestTokens.adminAuthorization());
        }
        try (HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void sqlInInputsIsOnlyEverABindParameter() throws Exception {
        long users = ENV.data().count("users");
        long limits = ENV.data().count("credit_limits");
        for (String attack : List.of("1; DROP TABLE users", "' OR '1'='1", "1 OR 1=1", "1); DELETE FROM users; --")) {
            // an int key: not a number, so a clean type error before anything runs
            problem(
                            ENV.query(Map.of("inputs", Map.of("user.id", attack), "outputs", List.of("user.email")))
                                    .then(),
                            400,
                            "INVALID_QUERY")
                    .body("detail", containsString("user.id: expected int, got string"));
            // a string parameter (the given country feeds user_credit's :country): bound as a value, which matches
            // nothing
            Answer a = Answer.of(ENV.query(Map.of(
                    "inputs",
                    Map.of("user.id", 1, "user.country", attack),
                    "outputs",
                    List.of("user.credit_limit"),
                    "staleness",
                    Map.of("user.credit_limit", "0s"))));
            assertThat(a.value("user.credit_limit").isNull())
                    .as("credit limit for country %s", attack)
                    .isTrue();
            assertThat(a.field("user.credit_limit").get("error").isNull()).isTrue();
            // a string fed to an expression is just text
            Answer e = Answer.of(ENV.query(Map.of(
                    "inputs",
                    Map.of("user.id", 1, "user.email", "x@" + attack),
                    "outputs",
                    List.of("user.email_domain"))));
            assertThat(e.value("user.email_domain").asText()).isEqualTo(attack);
        }
        Answer bulk = Answer.of(ENV.bulk(Map.of(
                "inputs",
                Map.of("user.id", List.of(1, 2), "user.country", List.of("US' --", "DE")),
                "outputs",
                List.of("user.credit_limit"),
                "staleness",
                Map.of("user.credit_limit", "0s"))));
        assertThat(bulk.field(0, "user.credit_limit").get("value").isNull()).isTrue();
        assertThat(bulk.field(1, "user.credit_limit").get("value").asDouble()).isEqualTo(4000.0);

        assertThat(ENV.data().tableExists("users")).isTrue();
        assertThat(ENV.data().tableExists("credit_limits")).isTrue();
        assertThat(ENV.data().count("users")).isEqualTo(users);
        assertThat(ENV.data().count("credit_limits")).isEqualTo(limits);
    }

    @Test
    void otherRequestMistakes() {
        problem(
                ENV.request()
                        .contentType(ContentType.TEXT)
                        .body("user.id=1")
                        .post("/v1/query/online")
                        .then(),
                415,
                "UNSUPPORTED_MEDIA_TYPE");
        problem(
                given().header(QueryEnvironment.HEADER, ENV.name())
                        .get("/v1/query/online")
                        .then(),
                405,
                "INVALID_QUERY");
        problem(given().get("/v1/no/such/path").then(), 404, "NOT_FOUND");
        problem(
                        given().header(QueryEnvironment.HEADER, "NOT VALID")
                                .contentType(ContentType.JSON)
                                .body(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user.email")))
                                .post("/v1/query/online")
                                .then(),
                        400,
                        "INVALID_QUERY")
                .body("detail", containsString("X-Slate-Environment"));
        problem(
                given().header(QueryEnvironment.HEADER, "t-q-nothing-here")
                        .contentType(ContentType.JSON)
                        .body(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user.email")))
                        .post("/v1/query/online")
                        .then(),
                404,
                "NO_ACTIVE_DEPLOYMENT");
    }

    @Test
    void anInvalidProjectIsRefusedWithFileLineAndReasonAndChangesNothing() {
        String active = given().header(QueryEnvironment.HEADER, ENV.name())
                .get("/v1/deployments")
                .then()
                .statusCode(200)
                .extract()
                .path("active_deployment_id");

        Map<String, String> badCel = new LinkedHashMap<>(FraudProjects.fraud());
        badCel.put(
                "slate.yaml", badCel.get("slate.yaml").replace("expression: \"age >= 18\"", "expression: \"age >= \""));
        problem(deploy(badCel), 422, "VALIDATION_FAILED")
                .body("errors[0].file", equalTo("slate.yaml"))
                .body("errors[0].line", notNullValue())
                .body("errors[0].code", notNullValue())
                .body("errors[0].message", notNullValue());

        Map<String, String> badParameter = new LinkedHashMap<>(FraudProjects.fraud());
        badParameter.put(
                "transactions.sql",
                badParameter.get("transactions.sql").replace("WHERE t.id = :id", "WHERE t.id = :txn_no_such_feature"));
        problem(deploy(badParameter), 422, "VALIDATION_FAILED")
                .body("errors.file", Matchers.hasItem("transactions.sql"))
                .body("errors.message", Matchers.hasItem(containsString("txn_no_such_feature")));

        Map<String, String> unknownType = new LinkedHashMap<>(FraudProjects.fraud());
        unknownType.put("slate.yaml", unknownType.get("slate.yaml").replace("age: int", "age: integer"));
        problem(deploy(unknownType), 422, "VALIDATION_FAILED").body("errors[0].code", equalTo("UNKNOWN_TYPE"));

        problem(deploy(Map.of("slate.yaml", "project: [unclosed")), 422, "VALIDATION_FAILED");
        problem(deploy(Map.of()), 422, "VALIDATION_FAILED");
        problem(
                ENV.request()
                        .contentType("application/zip")
                        .body(new byte[] {'P', 'K', 3, 4, 1, 2, 3})
                        .post("/v1/deployments")
                        .then(),
                400,
                "PARSE_FAILED");
        problem(
                ENV.request()
                        .contentType("application/gzip")
                        .body("not gzip".getBytes(StandardCharsets.UTF_8))
                        .post("/v1/deployments")
                        .then(),
                400,
                "PARSE_FAILED");

        given().header(QueryEnvironment.HEADER, ENV.name())
                .get("/v1/deployments")
                .then()
                .body("active_deployment_id", equalTo(active))
                .body("deployments", hasSize(1));
    }

    private static ValidatableResponse deploy(Map<String, String> files) {
        return ENV.request()
                .body(Map.of("files", files))
                .post("/v1/deployments")
                .then();
    }
}
