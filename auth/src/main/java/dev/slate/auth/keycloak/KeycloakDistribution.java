package dev.slate.auth.keycloak;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * An unpacked {@code org.keycloak:keycloak-quarkus-dist} (the build unpacks it into
 * {@code auth/target/keycloak/keycloak-VERSION}). Instances never write into it except for Keycloak's own
 * build step ({@code lib/quarkus}), which is the same for every instance.
 *
 * <p>{@link #build} makes it a production build for Slate's options ({@code kc.sh build}, docs/security.md):
 * an {@linkplain #optimized() optimized} distribution starts with {@code kc.sh start --optimized} and skips
 * the re-augmentation {@code start-dev} does on the first start of every unpacked copy. The build records
 * itself in {@value #BUILD_MARKER} (Keycloak version and build options), so a copy carries it and a
 * distribution built for other options is not mistaken for one built for Slate's.
 */
public record KeycloakDistribution(Path root) {

    /** The version this build fetched, from the Maven property {@code keycloak.version}. */
    public static final String VERSION = loadVersion();

    /** What an instance home links to; everything else (data/) is per instance. */
    static final List<String> SHARED_DIRECTORIES = List.of("conf", "lib", "providers", "themes");

    /**
     * Keycloak's build-time options for Slate's standalone Keycloak: the file-based H2 database
     * ({@code dev-file}, under each instance's {@code data/h2}; its first start was faster here than with a
     * PostgreSQL database, docs/install.md). Everything else keeps Keycloak's build defaults (features, no
     * relative path, health and metrics off: readiness is the realm's discovery document, and the management
     * port would be one more listener).
     */
    public static final List<String> BUILD_OPTIONS = List.of("--db=dev-file");

    /** In the distribution's root: written by {@link #build} once {@code kc.sh build} succeeded. */
    public static final String BUILD_MARKER = "slate-build.properties";

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

    /** The first line of {@code version.txt} ("Keycloak - Version 26.7.3"), or "" without one. */
    String versionText() {
        try {
            List<String> lines = Files.readAllLines(root.resolve("version.txt"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * True when {@link #build} built this distribution (this very Keycloak version) for {@link #BUILD_OPTIONS}:
     * it then starts with {@code start --optimized}.
     */
    public boolean optimized() {
        Path marker = root.resolve(BUILD_MARKER);
        if (!Files.isRegularFile(marker) || !Files.isDirectory(root.resolve("lib/quarkus"))) {
            return false;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            return false;
        }
        return versionText().equals(p.getProperty("distribution"))
                && String.join(" ", BUILD_OPTIONS).equals(p.getProperty("build-options"));
    }

    /**
     * Runs {@code kc.sh build} with {@link #BUILD_OPTIONS} unless the distribution is already
     * {@linkplain #optimized() optimized}, then records the build in {@value #BUILD_MARKER}. Holds a file lock
     * for the distribution meanwhile, so concurrent launchers build once. True if it built.
     */
    public boolean build(Duration timeout) {
        if (optimized()) {
            return false;
        }
        // outside the distribution (a bundle copies it whole); one per distribution path, never removed
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"))
                .resolve("slate-keycloak-build-"
                        + Integer.toHexString(root.toString().hashCode()) + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (optimized()) {
                return false;
            }
            runBuild(timeout);
            Properties p = new Properties();
            p.setProperty("distribution", versionText());
            p.setProperty("build-options", String.join(" ", BUILD_OPTIONS));
            p.setProperty("built-at", Instant.now().toString());
            Path tmp = root.resolve(BUILD_MARKER + ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "Slate: kc.sh build of this distribution (KeycloakDistribution.build)");
            }
            Files.move(tmp, root.resolve(BUILD_MARKER), StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new KeycloakException("cannot build the Keycloak distribution " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code kc.sh build OPTIONS} with a clean environment (no {@code KC_} variables of the caller) and
     * names resolved from a hosts file only, as at start ({@link KeycloakServer}).
     */
    private void runBuild(Duration timeout) throws IOException {
        // the marker of an earlier build for other options no longer holds while lib/quarkus is rewritten
        Files.deleteIfExists(root.resolve(BUILD_MARKER));
        Path work = Files.createTempDirectory("slate-keycloak-build");
        Path log = work.resolve("build.log");
        try {
            List<String> command = new ArrayList<>(List.of("sh", script().toString(), "build"));
            command.addAll(BUILD_OPTIONS);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            cleanEnvironment(env);
            env.put("JAVA_OPTS_APPEND", "-Djdk.net.hosts.file=" + KeycloakServer.writeHostsFile(work));
            Process process = pb.start();
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new KeycloakException("interrupted while building Keycloak", e);
            }
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new KeycloakException("kc.sh build did not finish within " + timeout.toSeconds()
                        + " s; last lines:\n" + tail(log, 20));
            }
            if (process.exitValue() != 0) {
                throw new KeycloakException(
                        "kc.sh build failed (exit " + process.exitValue() + "); last lines:\n" + tail(log, 20));
            }
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(work.resolve("hosts"));
            Files.deleteIfExists(work);
        }
    }

    /** What Keycloak (build or start) must not inherit from its launcher's environment. */
    static void cleanEnvironment(Map<String, String> env) {
        env.keySet()
                .removeIf(k -> k.startsWith("KC_")
                        || k.startsWith("KEYCLOAK_")
                        || k.startsWith("SLATE_")
                        || k.equals("JAVA_OPTS")
                        || k.equals("JAVA_OPTS_APPEND"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
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
