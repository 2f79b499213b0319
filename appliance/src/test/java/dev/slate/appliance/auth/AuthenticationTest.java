package dev.slate.appliance.auth;

import static dev.slate.appliance.auth.Responses.PROBLEM;
import static dev.slate.appliance.auth.Responses.anonymous;
import static dev.slate.appliance.auth.Responses.as;
import static dev.slate.appliance.auth.Responses.assertClean;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.appliance.testing.TestTokens;
import dev.slate.auth.keycloak.TokenRequestException;
import dev.slate.auth.keycloak.TokenResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Only access tokens of the realm, signed by its keys, meant for {@code slate-api} and not expired, get
 * past the door; everything else is a 401 problem+json that says nothing about internals. Health stays
 * open. Runs against the real Keycloak of the test JVM.
 */
@QuarkusTest
class AuthenticationTest {

    private static final List<String> PATHS = List.of(
            "/v1/deployments",
            "/v1/features",
            "/v1/audit",
            "/v1/access/bindings",
            "/v1/secrets",
            "/v1/no-such-endpoint");

    @Test
    void everyApiPathNeedsAToken() {
        for (String path : PATHS) {
            Response r = anonymous().get(path);
            assertUnauthenticated(r, path);
            assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer");
        }
        Response query = anonymous()
                .contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("user.id", 1), "outputs", List.of("user.x")))
                .post("/v1/query/online");
        assertUnauthenticated(query, "POST /v1/query/online");
        assertUnauthenticated(
                anonymous()
                        .contentType(ContentType.JSON)
                        .body("{\"files\": {}}")
                        .post("/v1/deployments"),
                "POST /v1/deployments");
    }

    @Test
    void healthIsOpenAndMetricsOpenByDefault() {
        anonymous().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        anonymous().get("/q/health/ready").then().statusCode(200);
        anonymous().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void aValidTokenOfTheRealmIsAccepted() {
        as(TestTokens.user(TestTokens.VIEWER)).get("/v1/deployments").then().statusCode(200);
        as(TestTokens.service()).get("/v1/deployments").then().statusCode(200);
    }

    @Test
    void malformedAndForgedTokensAreRejected() {
        String vera = TestTokens.user(TestTokens.VIEWER);
        Map<String, String> forged = Map.of(
                "garbage", "not-a-jwt",
                "empty bearer", "",
                "tampered signature", Jwts.tamperedSignature(vera),
                "alg none", Jwts.unsigned(vera, p -> roles(p).add("admin")),
                "HS256 with a guessed key", Jwts.hmacSigned(vera, "slate-api"),
                "admin role added to a signed token", Jwts.withPayload(vera, p -> roles(p).add("admin")),
                "caller renamed to the admin",
                        Jwts.withPayload(vera, p -> p.put("preferred_username", TestTokens.ADMIN)),
                "expiry extended",
                        Jwts.withPayload(
                                vera,
                                p -> p.put(
                                        "exp", Instant.now().plusSeconds(86_400).getEpochSecond())));
        forged.forEach((what, token) -> {
            assertThat(token).as(what).isNotEqualTo(vera);
            assertUnauthenticated(as(token).get("/v1/deployments"), what);
        });
        // the escalation did not work either where it would matter
        assertUnauthenticated(
                as(Jwts.withPayload(vera, p -> roles(p).add("admin"))).get("/v1/audit"),
                "forged admin reading the audit log");
        // a token as a query parameter or a Basic header is no token
        assertUnauthenticated(
                anonymous().queryParam("access_token", vera).get("/v1/deployments"), "token in the query string");
        assertUnauthenticated(
                anonymous().header("Authorization", "Basic YWxpY2U6YWxpY2U=").get("/v1/deployments"), "basic auth");
    }

    @Test
    void aTokenOfAnotherIssuerIsRejected() {
        TokenResponse master = KeycloakAdmin.masterToken(); // realm master, signed by master's keys
        assertThat(Jwts.payload(master.accessToken()).path("iss").asText()).endsWith("/realms/master");
        assertUnauthenticated(as(master.accessToken()).get("/v1/deployments"), "master realm token");
    }

    @Test
    void aTokenWithoutTheSlateApiAudienceIsRejected() {
        KeycloakAdmin admin = new KeycloakAdmin();
        KeycloakAdmin.Client client = admin.createServiceClient("t-noaud", "admin", false, 0);
        try {
            String token = client.token().accessToken();
            assertThat(Jwts.payload(token).path("iss").asText())
                    .isEqualTo(TestTokens.issuer().toString());
            assertThat(Jwts.payload(token).path("aud").toString()).doesNotContain("slate-api");
            assertUnauthenticated(as(token).get("/v1/deployments"), "token without audience slate-api");
        } finally {
            admin.deleteClient(client);
        }
    }

    @Test
    void anExpiredTokenIsRejected() {
        KeycloakAdmin admin = new KeycloakAdmin();
        KeycloakAdmin.Client client = admin.createServiceClient("t-short", "viewer", true, 3);
        try {
            String token = client.token().accessToken();
            long exp = Jwts.payload(token).path("exp").asLong();
            as(token).get("/v1/deployments").then().statusCode(200); // valid while it lives
            // refused once it has expired (exp is in seconds), whatever the clocks' rounding
            Awaitility.await("the token expires")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> System.currentTimeMillis() > (exp + 1) * 1000
                            && as(token).get("/v1/deployments").statusCode() == 401);
            assertUnauthenticated(as(token).get("/v1/deployments"), "expired token");
        } finally {
            admin.deleteClient(client);
        }
    }

    @Test
    void aDisabledClientGetsNoNewTokensWhileItsIssuedTokensLiveOnUntilTheyExpire() {
        KeycloakAdmin admin = new KeycloakAdmin();
        KeycloakAdmin.Client client = admin.createServiceClient("t-revoked", "service", true, 0);
        try {
            String issued = client.token().accessToken();
            as(issued).get("/v1/deployments").then().statusCode(200);
            admin.disableClient(client);
            assertThat(Assertions.catchThrowable(client::token))
                    .as("Keycloak issues no token to a disabled client")
                    .isInstanceOf(TokenRequestException.class);
            // documented (docs/security.md): Slate validates tokens locally against the realm's keys, so a token
            // issued before the client was disabled stays valid until its expiry (at most the realm's 300 s)
            as(issued).get("/v1/deployments").then().statusCode(200);
        } finally {
            admin.deleteClient(client);
        }
    }

    @Test
    void refusalsAreAudited() {
        String requestId = "test-" + UUID.randomUUID();
        anonymous()
                .header("X-Request-Id", requestId)
                .get("/v1/features")
                .then()
                .statusCode(401)
                .header("X-Request-Id", requestId);
        String forgedId = "test-" + UUID.randomUUID();
        as(Jwts.tamperedSignature(TestTokens.user(TestTokens.VIEWER)))
                .header("X-Request-Id", forgedId)
                .get("/v1/deployments")
                .then()
                .statusCode(401);
        Response audit = given().queryParam("subject", "anonymous")
                .queryParam("outcome", "DENIED")
                .queryParam("limit", "1000")
                .get("/v1/audit");
        audit.then().statusCode(200);
        List<Map<String, Object>> entries = audit.jsonPath().getList("entries");
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("request_id")).isEqualTo(requestId);
            assertThat(e.get("status")).isEqualTo(401);
            assertThat(e.get("path")).isEqualTo("/v1/features");
            assertThat(e.get("action")).isEqualTo("catalog.read");
            assertThat(e.get("remote_address")).isEqualTo("127.0.0.1");
            assertThat(e.get("detail")).isEqualTo("no bearer token");
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("request_id")).isEqualTo(forgedId);
            assertThat(e.get("detail")).isEqualTo("bearer token rejected");
        });
    }

    private static ArrayNode roles(ObjectNode payload) {
        return payload.withObject("realm_access").withArray("roles");
    }

    private static void assertUnauthenticated(Response r, String what) {
        assertThat(r.statusCode()).as("%s: %s", what, r.asString()).isEqualTo(401);
        assertThat(r.contentType()).as(what).startsWith(PROBLEM);
        r.then()
                .body("code", equalTo("UNAUTHENTICATED"))
                .body("status", equalTo(401))
                .body("detail", containsString("token"));
        assertClean(r);
    }
}
