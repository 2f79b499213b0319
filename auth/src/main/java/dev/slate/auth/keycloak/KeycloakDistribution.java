package dev.slate.auth.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * An unpacked {@code org.keycloak:keycloak-quarkus-dist} (the build unpacks it into
 * {@code auth/target/keycloak/keycloak-VERSION}). Instances never write into it except for Keycloak's own
 * build step ({@code lib/quarkus}), which is the same for every instance.
 */
public record KeycloakDistribution(Path root) {

    /** The version this build fetched, from the Maven property {@code keycloak.version}. */
    public static final String VERSION = loadVersion();

    /** What an instance home links to; everything else (data/) is per instance. */
    static final List<String> SHARED_DIRECTORIES = List.of("conf", "lib", "providers", "themes");

    public KeycloakDistribution {
        root = Objects.requireNonNull(root, "root is null").toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("bin/kc.sh")) || !Files.isDirectory(root.resolve("lib"))) {
            throw new KeycloakException("not a Keycloak distribution (no bin/kc.sh): " + root
                    + " (build it with ./mvnw -B -q -pl auth package -DskipTests)");
        }
    }

    /** {@code dir} itself when it is a distribution, else {@code dir/keycloak-VERSION}. */
    public static KeycloakDistribution locate(Path dir) {
        if (Files.isRegularFile(dir.resolve("bin/kc.sh"))) {
            return new KeycloakDistribution(dir);
        }
        return new KeycloakDistribution(dir.resolve("keycloak-" + VERSION));
    }

    public Path script() {
        return root.resolve("bin/kc.sh");
    }

    private static String loadVersion() {
        try (InputStream in =
                KeycloakDistribution.class.getResourceAsStream("/slate/keycloak/distribution.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "slate/keycloak/distribution.properties is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return Objects.requireNonNull(p.getProperty("version"), "version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
