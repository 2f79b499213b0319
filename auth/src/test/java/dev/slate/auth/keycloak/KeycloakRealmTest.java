package dev.slate.auth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.auth.access.AccessPolicy;
import dev.slate.auth.access.Authorizer;
import dev.slate.auth.access.Identity;
import dev.slate.auth.access.Permission;
import dev.slate.auth.access.Subject;
import dev.slate.auth.access.TokenClaims;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real Keycloak started once for this class from the distribution the build unpacked (demo
 * realm: demo users and the slate-reporting client), as Slate ships it: built for production once
 * ({@code kc.sh build}, about 40-70 s, kept in the distribution) and started with {@code kc.sh start
 * --optimized}; the first start of a data directory then takes about 30-50 s.
 */
class KeycloakRealmTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI UI_CALLBACK = URI.create("http://127.0.0.1:8080/ui/callback");

    private static KeycloakServer server;
    private static KeycloakTokens tokens;
    private static KeycloakCredentials credentials;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startKeycloak() throws IOException {
        Path dist = Path.of(System.getProperty("slate.keycloak.dist", "target/keycloak"));
        Path dataDir = Path.of(System.getProperty("slate.keycloak.work", "target/keycloak-test"))
                .resolve("realm-test");
        KeycloakServer.attach(dataDir).ifPresent(KeycloakServer::stop);
        deleteRecursively(dataDir);
        server = KeycloakServer.start(KeycloakServer.Options.of(KeycloakDistribution.locate(dist), dataDir)
                .withPort(0)
                .withDemoUsers(true)
                .withUiUrl("http://127.0.0.1:8080/")
                .withBuild(true));
        assertThat(KeycloakDistribution.locate(dist).optimized())
                .as("built for production")
                .isTrue();
        assertThat(Files.readString(server.logFile())).contains("Profile prod activated");
        tokens = server.tokens();
        credentials = server.credentials();
        System.out.printf(
                "Keycloak %s ready on port %d in %d ms%n",
                KeycloakDistribution.VERSION,
                server.port(),
                server.startupTime().orElseThrow().toMillis());
    }

    @AfterAll
    static void stopKeycloak() {
        if (server != null) {
            assertThat(server.stop()).as("Keycloak process group stopped").isTrue();
            assertThat(KeycloakServer.status(server.dataDir()).running()).isFalse();
        }
    }

    @Test
    void realmIsImportedWithTheSlateRolesClientsAndDemoUsers() throws Exception {
        JsonNode discovery = getJson(tokens.discoveryUri(), null);
        assertThat(discovery.path("issuer").asText()).isEqualTo("http://127.0.0.1:" + server.port() + "/realms/slate");
        assertThat(discovery.path("token_endpoint").asText())
                .isEqualTo(tokens.tokenEndpoint().toString());

        String admin = adminToken();
        JsonNode roles = getJson(URI.create(server.baseUrl() + "/admin/realms/slate/roles"), admin);
        assertThat(roles.findValuesAsText("name")).contains("admin", "developer", "viewer", "service", "pii-reader");

        JsonNode alice = getJson(
                        URI.create(server.baseUrl() + "/admin/realms/slate/users?username=alice&exact=true"), admin)
                .get(0);
        assertThat(alice.path("email").asText()).isEqualTo("alice@example.com");
        assertThat(alice.path("firstName").asText()).isEqualTo("Alice");
        assertThat(alice.path("emailVerified").asBoolean()).isTrue();
        assertThat(alice.path("requiredActions")).isEmpty();
    }

    @Test
    void adminCredentialsAreRequiredForTheAdminApi() throws Exception {
        HttpResponse<String> anonymous = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/realms/slate/roles"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> new KeycloakTokens(URI.create(server.baseUrl() + "/realms/master"))
                        .password("admin-cli", credentials.adminUsername(), "not-the-password"))
                .isInstanceOfSatisfying(
                        TokenRequestException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
    }

    @Test
    void serviceClientGetsTheServiceRoleAndTheApiAudience() throws Exception {
        TokenResponse response = tokens.clientCredentials("slate-service", credentials.serviceClientSecret());
        assertThat(response.tokenType()).isEqualToIgnoringCase("Bearer");
        // expires_in is counted from the moment Keycloak answers, so it can be 299 across a second boundary;
        // the token's own lifetime (exp - iat) is the realm's 5 minutes exactly
        assertThat(response.expiresInSeconds()).isBetween(295L, 300L);
        assertThat(response.refreshToken()).isEmpty();

        Map<String, Object> claims = Jwt.parse(response.accessToken()).claims();
        assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue())
                .isEqualTo(300);
        assertThat(claims.get("iss")).isEqualTo(server.issuer().toString());
        assertThat(audience(claims)).containsExactly("slate-api");
        assertThat(claims.get("azp")).isEqualTo("slate-service");
        assertThat(realmRoles(claims)).containsExactly("service");

        Identity identity = TokenClaims.identity(claims);
        assertThat(identity.subject()).isEqualTo(new Subject.Client("slate-service"));
        Authorizer authorizer = new Authorizer(AccessPolicy.defaults());
        assertThat(authorizer
                        .decide(identity, List.of(), "prod", Permission.QUERY_ONLINE)
                        .allowed())
                .isTrue();
        assertThat(authorizer
                        .decide(identity, List.of(), "prod", Permission.DEPLOY)
                        .allowed())
                .isFalse();
    }

    @Test
    void aWrongClientSecretIsRefusedWithoutEchoingIt() {
        String wrong = "wrong-" + credentials.serviceClientSecret();
        assertThatThrownBy(() -> tokens.clientCredentials("slate-service", wrong))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.error()).isEqualTo("unauthorized_client");
                    assertThat(e.getMessage()).doesNotContain(wrong);
                });
        // a public client cannot use the client credentials grant at all
        assertThatThrownBy(() -> tokens.clientCredentials("slate-ui", "anything"))
                .isInstanceOf(TokenRequestException.class);
    }

    @Test
    void theSecondConfidentialClientCarriesOnlyTheViewerRole() {
        Map<String, Object> claims = Jwt.parse(
                        tokens.clientCredentials("slate-reporting", credentials.reportingClientSecret())
                                .accessToken())
                .claims();
        assertThat(realmRoles(claims)).containsExactly("viewer");
        assertThat(audience(claims)).containsExactly("slate-api");
        Identity identity = TokenClaims.identity(claims);
        assertThat(identity.subject()).isEqualTo(new Subject.Client("slate-reporting"));
        assertThat(new Authorizer(AccessPolicy.defaults())
                        .decide(identity, List.of(), "prod", Permission.INGEST)
                        .allowed())
                .isFalse();
    }

    @Test
    void demoUsersLogInWithThePasswordGrantOfTheCliClient() {
        TokenResponse response = tokens.password("slate-cli", "dave", credentials.demoUserPassword());
        assertThat(response.refreshToken()).isPresent();
        Map<String, Object> claims = Jwt.parse(response.accessToken()).claims();
        assertThat(claims.get("preferred_username")).isEqualTo("dave");
        assertThat(claims.get("email")).isEqualTo("dave@example.com");
        assertThat(claims.get("azp")).isEqualTo("slate-cli");
        assertThat(audience(claims)).contains("slate-api");
        assertThat(realmRoles(claims)).contains("developer").doesNotContain("admin", "service");
        assertThat(TokenClaims.identity(claims).subject()).isEqualTo(new Subject.User("dave"));

        Map<String, Object> priya = Jwt.parse(tokens.password("slate-cli", "priya", credentials.demoUserPassword())
                        .accessToken())
                .claims();
        assertThat(realmRoles(priya)).contains("viewer", "pii-reader");

        assertThatThrownBy(() -> tokens.password("slate-cli", "dave", "not-" + credentials.demoUserPassword()))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error()).isEqualTo("invalid_grant");
                });
    }

    @Test
    void theUiClientIsPublicAndRefusesThePasswordGrant() throws Exception {
        JsonNode ui = getJson(
                        URI.create(server.baseUrl() + "/admin/realms/slate/clients?clientId=slate-ui"), adminToken())
                .get(0);
        assertThat(ui.path("publicClient").asBoolean()).isTrue();
        assertThat(ui.path("attributes").path("pkce.code.challenge.method").asText())
                .isEqualTo("S256");
        assertThat(ui.path("redirectUris").get(0).asText()).isEqualTo("http://127.0.0.1:8080/*");

        assertThatThrownBy(() -> tokens.password("slate-ui", "dave", credentials.demoUserPassword()))
                .isInstanceOfSatisfying(
                        TokenRequestException.class, e -> assertThat(e.error()).isEqualTo("unauthorized_client"));
    }

    @Test
    void theUiClientRequiresPkceWithS256() throws Exception {
        String verifier = randomVerifier();
        // no challenge, or the plain method: refused before any login page
        assertThat(authorizationError(Map.of())).contains("code_challenge_method");
        assertThat(authorizationError(Map.of("code_challenge", verifier, "code_challenge_method", "plain")))
                .contains("not matching the configured one");

        // S256: log in as vera, exchange the code; a wrong verifier is refused
        String code = loginForCode("vera", s256(verifier));
        assertThatThrownBy(() -> tokens.authorizationCode("slate-ui", code, UI_CALLBACK, randomVerifier()))
                .isInstanceOfSatisfying(
                        TokenRequestException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));

        String verifier2 = randomVerifier();
        String code2 = loginForCode("vera", s256(verifier2));
        Map<String, Object> claims = Jwt.parse(tokens.authorizationCode("slate-ui", code2, UI_CALLBACK, verifier2)
                        .accessToken())
                .claims();
        assertThat(claims.get("azp")).isEqualTo("slate-ui");
        assertThat(claims.get("preferred_username")).isEqualTo("vera");
        assertThat(audience(claims)).contains("slate-api");
    }

    @Test
    void jwksIsReachableAndVerifiesTheAccessTokenSignature() throws Exception {
        Jwt jwt = Jwt.parse(tokens.clientCredentials("slate-service", credentials.serviceClientSecret())
                .accessToken());
        assertThat(jwt.header().get("alg")).isEqualTo("RS256");
        JsonNode jwks = getJson(tokens.jwksUri(), null);
        JsonNode key = Stream.of(jwks.path("keys"))
                .flatMap(k -> StreamSupport.stream(k.spliterator(), false))
                .filter(k -> k.path("kid").asText().equals(jwt.header().get("kid")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("token kid not in JWKS"));
        assertThat(key.path("use").asText()).isEqualTo("sig");
        RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(
                        new BigInteger(
                                1, Base64.getUrlDecoder().decode(key.path("n").asText())),
                        new BigInteger(
                                1, Base64.getUrlDecoder().decode(key.path("e").asText()))));

        assertThat(verify(publicKey, jwt.signingInput(), jwt.signature())).isTrue();
        // the same signature does not cover a payload with an added role
        String forgedPayload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(Base64.getUrlDecoder().decode(jwt.encodedPayload()), StandardCharsets.UTF_8)
                        .replace("\"roles\":[\"service\"]", "\"roles\":[\"service\",\"admin\"]")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(forgedPayload).isNotEqualTo(jwt.encodedPayload());
        byte[] forgedInput = (jwt.encodedHeader() + "." + forgedPayload).getBytes(StandardCharsets.US_ASCII);
        assertThat(verify(publicKey, forgedInput, jwt.signature())).isFalse();
    }

    @Test
    void statusSeesTheRunningInstance() {
        KeycloakServer.Status status = KeycloakServer.status(server.dataDir());
        assertThat(status.running()).isTrue();
        assertThat(status.ready()).isTrue();
        assertThat(status.port()).isEqualTo(server.port());
        assertThat(status.processGroup()).isEqualTo(server.processGroup());
        assertThatThrownBy(() -> KeycloakServer.launch(KeycloakServer.Options.of(
                        KeycloakDistribution.locate(
                                Path.of(System.getProperty("slate.keycloak.dist", "target/keycloak"))),
                        server.dataDir())))
                .isInstanceOf(KeycloakException.class)
                .hasMessageContaining("already runs");
    }

    @Test
    void secretsStayOutOfTheLogAndTheImportFile() throws Exception {
        // exercise logins first so that the log has seen them used
        tokens.clientCredentials("slate-service", credentials.serviceClientSecret());
        tokens.password("slate-cli", "alice", credentials.demoUserPassword());
        adminToken();
        String log = Files.readString(server.logFile());
        String realmFile = Files.readString(server.dataDir().resolve("home/data/import/slate-realm.json"));
        assertThat(log).contains("Realm 'slate' imported");
        for (String secret : credentials.secrets()) {
            assertThat(log).doesNotContain(secret);
            assertThat(realmFile).doesNotContain(secret);
        }
        Path credentialsFile = server.dataDir().resolve(KeycloakCredentials.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentialsFile)))
                .isEqualTo("rw-------");
    }

    // ---- helpers ----

    private static String adminToken() {
        return new KeycloakTokens(URI.create(server.baseUrl() + "/realms/master"))
                .password("admin-cli", credentials.adminUsername(), credentials.adminPassword())
                .accessToken();
    }

    private static JsonNode getJson(URI uri, String bearer) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Accept", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + uri).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @SuppressWarnings("unchecked")
    private static List<String> realmRoles(Map<String, Object> claims) {
        return (List<String>) ((Map<String, Object>) claims.get("realm_access")).get("roles");
    }

    private static List<String> audience(Map<String, Object> claims) {
        Object aud = claims.get("aud");
        return aud instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(aud));
    }

    private static boolean verify(RSAPublicKey key, byte[] input, byte[] signature) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(key);
        s.update(input);
        return s.verify(signature);
    }

    private static String randomVerifier() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String s256(String verifier) throws Exception {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private static URI authorizationUri(Map<String, String> extra) {
        Map<String, String> q = new HashMap<>(Map.of(
                "client_id",
                "slate-ui",
                "response_type",
                "code",
                "redirect_uri",
                UI_CALLBACK.toString(),
                "scope",
                "openid",
                "state",
                "s-" + System.nanoTime()));
        q.putAll(extra);
        StringBuilder sb = new StringBuilder(tokens.authorizationEndpoint().toString()).append('?');
        q.forEach((k, v) -> sb.append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
        return URI.create(sb.substring(0, sb.length() - 1));
    }

    /** The error_description Keycloak redirects back with, for an authorization request it refuses. */
    private static String authorizationError(Map<String, String> extra) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(authorizationUri(extra)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        Map<String, String> params =
                query(URI.create(r.headers().firstValue("Location").orElseThrow()));
        assertThat(params.get("error")).isEqualTo("invalid_request");
        return params.get("error_description");
    }

    /**
     * Authorization code flow through Keycloak's login form, as a browser would do it. Keycloak marks its
     * session cookies Secure even on loopback http; browsers (and curl) send them to 127.0.0.1 anyway, the
     * JDK's CookieManager does not, so the cookies are carried by hand.
     */
    private static String loginForCode(String username, String challenge) throws Exception {
        HttpClient browser = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> page = browser.send(
                HttpRequest.newBuilder(
                                authorizationUri(Map.of("code_challenge", challenge, "code_challenge_method", "S256")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        String cookies = String.join(
                "; ",
                page.headers().allValues("Set-Cookie").stream()
                        .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                        .toList());
        Matcher action = Pattern.compile("<form id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"")
                .matcher(page.body());
        assertThat(action.find()).as("login form").isTrue();
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(credentials.demoUserPassword(), StandardCharsets.UTF_8) + "&credentialId=";
        HttpResponse<String> posted = browser.send(
                HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", cookies)
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as("login answer").isEqualTo(302);
        URI location = URI.create(posted.headers().firstValue("Location").orElseThrow());
        assertThat(location.toString()).startsWith(UI_CALLBACK.toString());
        return query(location).get("code");
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                out.put(
                        URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
