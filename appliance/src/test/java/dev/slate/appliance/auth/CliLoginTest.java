package dev.slate.appliance.auth;

import static dev.slate.appliance.auth.Responses.HEADER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slate.appliance.testing.TestTokens;
import dev.slate.installer.SlateCli;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slate login} against the real realm, then CLI commands against the real appliance with the
 * stored token: sent, refreshed when it expired, and gone after {@code slate logout}.
 */
@QuarkusTest
class CliLoginTest {

    private static final String ENV =
            "t-auth-cli-" + UUID.randomUUID().toString().substring(0, 8);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    record Run(int exit, String out, String err) {}

    @AfterAll
    static void clean() throws Exception {
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
        }
    }

    @Test
    void loginStoresAPrivateTokenThatCommandsUseAndRefresh(@TempDir Path home) throws Exception {
        given().header(HEADER, ENV)
                .contentType(ContentType.JSON)
                .body(Map.of("files", Map.of("slate.yaml", """
                project: cli
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      scaled: {type: int, expression: "id * 5"}
                """)))
                .post("/v1/deployments")
                .then()
                .statusCode(201);
        Path tokenFile = home.resolve(".slate/token");
        Map<String, String> env = Map.of("SLATE_TOKEN_FILE", tokenFile.toString(), "SLATE_URL", base.toString());

        Run anonymous = cli(env, "query", "--env", ENV, "--in", "user.id=3", "--out", "user.scaled");
        assertThat(anonymous.exit()).isEqualTo(1);
        assertThat(anonymous.err()).contains("UNAUTHENTICATED").contains("slate login");

        Path password = home.resolve("password");
        Files.writeString(password, TestTokens.credentials().demoUserPassword() + "\n");
        Run login = cli(
                env,
                "login",
                "--issuer",
                TestTokens.issuer().toString(),
                "--username",
                TestTokens.VIEWER,
                "--password-file",
                password.toString());
        assertThat(login.exit()).as(login.err()).isEqualTo(0);
        assertThat(login.out()).contains("as " + TestTokens.VIEWER).contains(tokenFile.toString());
        assertThat(login.out() + login.err())
                .doesNotContain(TestTokens.credentials().demoUserPassword());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                .isEqualTo("rw-------");
        String first = JSON.readTree(tokenFile.toFile()).path("access_token").asText();
        assertThat(login.out()).doesNotContain(first);

        Run query = cli(env, "query", "--env", ENV, "--in", "user.id=3", "--out", "user.scaled");
        assertThat(query.exit()).as(query.err()).isEqualTo(0);
        assertThat(query.out()).contains("15");
        Run deploy = cli(env, "deployments", "--env", ENV);
        assertThat(deploy.exit()).as(deploy.err()).isEqualTo(0);

        // an expired access token is refreshed with the refresh token and written back
        ObjectNode stored = (ObjectNode) JSON.readTree(tokenFile.toFile());
        stored.put("expires_at", 1);
        Files.writeString(tokenFile, stored.toString());
        Run again = cli(env, "query", "--env", ENV, "--in", "user.id=4", "--out", "user.scaled");
        assertThat(again.exit()).as(again.err()).isEqualTo(0);
        assertThat(again.out()).contains("20");
        String refreshed =
                JSON.readTree(tokenFile.toFile()).path("access_token").asText();
        assertThat(refreshed).isNotEqualTo(first);
        assertThat(JSON.readTree(tokenFile.toFile()).path("expires_at").asLong())
                .isGreaterThan(System.currentTimeMillis() / 1000);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                .isEqualTo("rw-------");

        // a token file others can read is refused
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r--r--"));
        Run exposed = cli(env, "deployments", "--env", ENV);
        assertThat(exposed.exit()).isEqualTo(1);
        assertThat(exposed.err()).contains("readable by others");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));

        Run logout = cli(env, "logout");
        assertThat(logout.exit()).isEqualTo(0);
        assertThat(tokenFile).doesNotExist();
        assertThat(cli(env, "deployments", "--env", ENV).err()).contains("UNAUTHENTICATED");

        Run wrong = cli(
                env,
                "login",
                "--issuer",
                TestTokens.issuer().toString(),
                "--username",
                TestTokens.VIEWER,
                "--password-file",
                home.resolve(".slate").resolve("missing").toString());
        assertThat(wrong.exit()).isNotZero();
        Files.writeString(password, "not-the-password\n");
        Run refused = cli(
                env,
                "login",
                "--issuer",
                TestTokens.issuer().toString(),
                "--username",
                TestTokens.VIEWER,
                "--password-file",
                password.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("invalid_grant").doesNotContain("not-the-password");
        assertThat(tokenFile).doesNotExist();
    }

    /**
     * {@code slate login --device} (RFC 8628) against the real realm: the CLI prints the verification URL
     * and waits; a browser (here: an HTTP client with cookies that fills Keycloak's own forms) opens the
     * URL, signs in as vera and approves; the CLI then stores vera's token (0600) and commands use it.
     */
    @Test
    void deviceLoginIsApprovedInTheBrowserAndTheCliThenActsAsThatUser(@TempDir Path home) throws Exception {
        Path tokenFile = home.resolve(".slate/token");
        Map<String, String> env = Map.of("SLATE_TOKEN_FILE", tokenFile.toString(), "SLATE_URL", base.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> SlateCli.run(
                new String[] {
                    "login", "--device", "--issuer", TestTokens.issuer().toString()
                },
                env,
                new PrintWriter(out, true),
                new PrintWriter(err, true)));

        Matcher open = Pattern.compile("Open (\\S+)").matcher("");
        Awaitility.await("the CLI prints the verification URL")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    assertThat(login)
                            .as("the CLI stopped early: %s %s", out, err)
                            .isNotDone();
                    return open.reset(out.toString()).find();
                });
        URI verification = URI.create(open.group(1));
        assertThat(verification.toString())
                .startsWith(TestTokens.issuer() + "/device")
                .contains("user_code=");
        assertThat(out.toString()).containsPattern("confirm the code [A-Z]{4}-[A-Z]{4}");
        assertThat(login).as("nothing is stored before the user approves").isNotDone();
        assertThat(tokenFile).doesNotExist();

        String page = KeycloakBrowser.approveDevice(
                verification, TestTokens.VIEWER, TestTokens.credentials().demoUserPassword());
        assertThat(page).as("Keycloak's last page").containsIgnoringCase("device");

        int exit = login.get(60, TimeUnit.SECONDS);
        assertThat(exit).as("%s %s", out, err).isZero();
        assertThat(out.toString()).contains("as " + TestTokens.VIEWER).contains(tokenFile.toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                .isEqualTo("rw-------");
        var stored = JSON.readTree(tokenFile.toFile());
        assertThat(stored.path("refresh_token").asText()).isNotBlank();
        var claims = Jwts.payload(stored.path("access_token").asText());
        assertThat(claims.path("preferred_username").asText()).isEqualTo(TestTokens.VIEWER);
        assertThat(claims.path("azp").asText()).isEqualTo("slate-cli");
        assertThat(out.toString() + err)
                .doesNotContain(
                        stored.path("access_token").asText(),
                        TestTokens.credentials().demoUserPassword());

        // the device token is vera's: it reads, and it may not do what a viewer may not
        Run deployments = cli(env, "deployments", "--env", ENV);
        assertThat(deployments.exit()).as(deployments.err()).isZero();
        Path rows = Files.writeString(home.resolve("rows.json"), "[{\"user.id\": 1}]");
        Run apply = cli(env, "ingest", "--env", ENV, rows.toString());
        assertThat(apply.exit()).isNotZero();
        assertThat(apply.err()).contains("UNAUTHORIZED").contains("ingest");
    }

    private static Run cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SlateCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }
}
