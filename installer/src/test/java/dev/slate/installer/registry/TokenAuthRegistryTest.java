package dev.slate.installer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's token flow (the {@code Bearer} challenge most registries use): Debian's docker-registry with
 * {@code auth: token}, and a small token service in the test that checks the user's password and issues a signed
 * JWT granting what was asked for, as a registry's token server does.
 */
class TokenAuthRegistryTest {
    static final String VERSION = "1.2.3";
    static final String PASSWORD = "token-test-password";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> scopesAsked = new CopyOnWriteArrayList<>();

    @Test
    void pushesWithATokenFetchedWithTheCredentialsFromTheChallengesRealm() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Path key = dir.resolve("issuer-key.pem");
        Path cert = dir.resolve("issuer-cert.pem");
        ImagePusherTest.selfSigned(key, cert, "slate-test-token-issuer");
        PrivateKey signingKey = rsaKey(key);
        Certificate certificate;
        try (InputStream in = Files.newInputStream(cert)) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String x5c = Base64.getEncoder().encodeToString(certificate.getEncoded());

        HttpServer tokens = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tokens.createContext("/token", exchange -> issue(exchange, signingKey, x5c));
        tokens.start();
        TestImages.layout(dir.resolve("layout"), VERSION, 4);
        OciLayout layout = new OciLayout(dir.resolve("layout"));
        try (LocalRegistry registry = LocalRegistry.start(
                dir.resolve("registry"),
                Optional.empty(),
                Optional.empty(),
                List.of(
                        "auth:",
                        "  token:",
                        "    realm: http://127.0.0.1:" + tokens.getAddress().getPort() + "/token",
                        "    service: slate-test-registry",
                        "    issuer: slate-test-issuer",
                        "    rootcertbundle: " + cert))) {
            RegistryAddress address = RegistryAddress.parse(registry.host(), true);

            assertThatThrownBy(() -> new RegistryClient(address, Optional.empty(), Optional.empty()).ping())
                    .hasMessageContaining("requires credentials");
            assertThatThrownBy(() -> new RegistryClient(
                                    address,
                                    Optional.of(new RegistryCredentials("installer", "wrong")),
                                    Optional.empty())
                            .ping())
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("refused user installer")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong"));

            RegistryClient client = new RegistryClient(
                    address, Optional.of(new RegistryCredentials("installer", PASSWORD)), Optional.empty());
            assertThat(client.ping().status()).isEqualTo(200);
            List<PushedImage> pushed = new ImagePusher(client, line -> {}).pushAll(layout, VERSION);

            assertThat(pushed).extracting(PushedImage::blobsUploaded).containsExactly(4, 3);
            assertThat(client.manifest("slate/appliance", VERSION, ImagePusher.acceptedManifestTypes()))
                    .isEqualTo(layout.blobBytes(layout.images().getFirst().manifest()));
            // the registry names a scope's actions in no fixed order ("pull,push" or "push,pull")
            assertThat(scopesAsked.stream().map(TokenAuthRegistryTest::sortedActions))
                    .contains("repository:slate/appliance:pull", "repository:slate/appliance:pull,push");
        } finally {
            tokens.stop(0);
        }
    }

    private static String sortedActions(String scope) {
        int colon = scope.lastIndexOf(':');
        return scope.substring(0, colon + 1)
                + String.join(
                        ",", new TreeSet<>(List.of(scope.substring(colon + 1).split(","))));
    }

    /** Answers a token request: Basic credentials checked, then a JWT for the asked scopes. */
    private void issue(HttpExchange exchange, PrivateKey key, String x5c) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic "
                    + Base64.getEncoder().encodeToString(("installer:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(authorization)) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            List<ObjectNode> access = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String parameter : query == null ? new String[0] : query.split("&")) {
                if (parameter.startsWith("scope=")) {
                    String scope = URLDecoder.decode(parameter.substring(6), StandardCharsets.UTF_8);
                    scopesAsked.add(scope);
                    String[] parts = scope.split(":");
                    ObjectNode grant = json.createObjectNode();
                    grant.put("type", parts[0]);
                    grant.put("name", parts[1]);
                    var actions = grant.putArray("actions");
                    for (String action : parts[2].split(",")) {
                        actions.add(action);
                    }
                    access.add(grant);
                }
            }
            long now = Instant.now().getEpochSecond();
            ObjectNode header = json.createObjectNode();
            header.put("typ", "JWT");
            header.put("alg", "RS256");
            header.putArray("x5c").add(x5c);
            ObjectNode claims = json.createObjectNode();
            claims.put("iss", "slate-test-issuer");
            claims.put("sub", "installer");
            claims.put("aud", "slate-test-registry");
            claims.put("exp", now + 300);
            claims.put("nbf", now - 10);
            claims.put("iat", now);
            claims.put("jti", UUID.randomUUID().toString());
            claims.putArray("access").addAll(access);
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String signingInput = url.encodeToString(json.writeValueAsBytes(header)) + "."
                    + url.encodeToString(json.writeValueAsBytes(claims));
            String token;
            try {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initSign(key);
                rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                token = signingInput + "." + url.encodeToString(rsa.sign());
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            byte[] body = json.writeValueAsBytes(json.createObjectNode().put("token", token));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static PrivateKey rsaKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
