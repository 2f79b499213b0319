package dev.slate.appliance.testing;

import dev.slate.auth.keycloak.KeycloakDistribution;
import dev.slate.auth.keycloak.KeycloakServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One real Keycloak (realm {@code slate} with the demo users) per test JVM, shared by every
 * {@code @QuarkusTest} and every test profile: the first application start launches it on a free
 * loopback port, later starts (other profiles) find it through its data directory, and a JVM shutdown
 * hook stops it. It points the appliance at it with {@code slate.auth.issuer} and tells the test side
 * ({@link TestTokens}) where it is through system properties. Registered globally by
 * {@link KeycloakTestResourceActivation}.
 *
 * <p>The data directory ({@code target/keycloak-test}) is kept between runs: a restart (about 20 s)
 * is faster than importing the realm again (about 45 s). {@code mvn clean} removes it.
 */
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {

    static final String ISSUER_PROPERTY = "slate.test.keycloak.issuer";
    static final String DATA_PROPERTY = "slate.test.keycloak.data";
    private static final String HOOK_PROPERTY = "slate.test.keycloak.stop-hook";

    @Override
    public Map<String, String> start() {
        KeycloakServer server = ensureRunning();
        return Map.of("slate.auth.issuer", server.issuer().toString());
    }

    @Override
    public void stop() {
        // shared by every application start of this JVM: stopped by the shutdown hook
    }

    static synchronized KeycloakServer ensureRunning() {
        Path data = dataDir();
        Optional<KeycloakServer> running = KeycloakServer.attach(data);
        KeycloakServer server;
        if (running.isPresent() && running.get().isReady()) {
            server = running.get();
        } else {
            running.ifPresent(KeycloakServer::stop); // left over from a killed run and not answering
            Path dist = Path.of(System.getProperty("slate.keycloak.dist", "../auth/target/keycloak"));
            if (!Files.isDirectory(dist)) {
                throw new IllegalStateException("no Keycloak distribution at " + dist.toAbsolutePath()
                        + ": build the auth module first (./mvnw -B -q install -DskipTests -pl auth)");
            }
            server = KeycloakServer.start(KeycloakServer.Options.of(KeycloakDistribution.locate(dist), data)
                    .withPort(0)
                    .withDemoUsers(true)
                    .withStartTimeout(Duration.ofMinutes(5))
                    .withBuild(true)); // the production build Slate ships (once per distribution)
        }
        if (System.getProperty(HOOK_PROPERTY) == null) {
            System.setProperty(HOOK_PROPERTY, "registered");
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> KeycloakServer.attach(data).ifPresent(KeycloakServer::stop), "keycloak-test-stop"));
        }
        System.setProperty(ISSUER_PROPERTY, server.issuer().toString());
        System.setProperty(DATA_PROPERTY, data.toString());
        return server;
    }

    static Path dataDir() {
        return Path.of(System.getProperty("slate.test.keycloak.dir", "target/keycloak-test"))
                .toAbsolutePath()
                .normalize();
    }
}
