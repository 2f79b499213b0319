package dev.slate.installer.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the files of a standalone install come from: a built source checkout ({@code --from-source},
 * for development and tests) or an unpacked offline bundle ({@code --from-bundle}).
 */
public sealed interface InstallSource {

    /** What is copied under the prefix; every path exists once {@link #check} passed. */
    record Parts(
            Path cliJar, Path cliLib, Path applianceDir, List<Path> authJars, Path keycloakDist, Optional<Path> jre) {
        public Parts {
            authJars = List.copyOf(authJars);
        }
    }

    String describe();

    /** The Slate version the source carries: it names {@code versions/VERSION/} of the install. */
    InstallVersion version();

    /**
     * @throws InstallException naming the first missing part
     */
    Parts check();

    /** A checkout built with {@code ./mvnw -B -DskipTests install}. */
    record SourceTree(Path repo) implements InstallSource {
        @Override
        public String describe() {
            return "source tree " + repo.toAbsolutePath().normalize();
        }

        /** The version in the CLI jar's name ({@code slate-installer-VERSION.jar}). */
        @Override
        public InstallVersion version() {
            Path jar = single(
                    repo.resolve("installer/target"),
                    "slate-installer-*.jar",
                    "the CLI jar (build the checkout: ./mvnw -B -DskipTests install)");
            String name = jar.getFileName().toString();
            return InstallVersion.of(name.substring("slate-installer-".length(), name.length() - ".jar".length()));
        }

        @Override
        public Parts check() {
            Path target = repo.resolve("installer/target");
            Path cliJar = single(
                    target, "slate-installer-*.jar", "the CLI jar (build the checkout: ./mvnw -B -DskipTests install)");
            Path cliLib = existing(target.resolve("lib"), "the CLI's libraries");
            Path appliance = existing(repo.resolve("appliance/target/quarkus-app"), "the packaged appliance");
            existing(appliance.resolve("quarkus-run.jar"), "the packaged appliance");
            Path authTarget = repo.resolve("auth/target");
            List<Path> authJars = new ArrayList<>();
            authJars.add(single(authTarget, "slate-auth-*.jar", "the Keycloak launcher jar"));
            Path classpath = existing(authTarget.resolve("launcher.classpath"), "the Keycloak launcher class path");
            try {
                for (String entry : Files.readString(classpath, StandardCharsets.UTF_8)
                        .strip()
                        .split(":")) {
                    if (!entry.isBlank()) {
                        authJars.add(existing(Path.of(entry), "a Keycloak launcher library"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path keycloak = single(authTarget.resolve("keycloak"), "keycloak-*", "the Keycloak distribution");
            return new Parts(cliJar, cliLib, appliance, authJars, keycloak, Optional.empty());
        }
    }

    /**
     * An offline bundle unpacked into {@code root} (docs/install.md, "What is in the bundle"): {@code cli/}
     * (CLI jar and {@code lib/}), {@code appliance/quarkus-app/}, {@code auth/} (Keycloak launcher jars),
     * {@code keycloak/keycloak-VERSION/} and optionally {@code jre/}.
     *
     * @param version the version of the bundle's manifest
     */
    record UnpackedBundle(Path bundle, Path root, InstallVersion version) implements InstallSource {
        @Override
        public String describe() {
            return "bundle " + bundle.toAbsolutePath().normalize() + " (version " + version + ")";
        }

        @Override
        public Parts check() {
            Path cli = existing(root.resolve("cli"), "cli/ in the bundle");
            Path cliJar = single(cli, "slate-installer*.jar", "the CLI jar in the bundle's cli/");
            Path cliLib = existing(cli.resolve("lib"), "cli/lib/ in the bundle");
            Path appliance = existing(root.resolve("appliance"), "appliance/ in the bundle");
            if (Files.isDirectory(appliance.resolve("quarkus-app"))) {
                appliance = appliance.resolve("quarkus-app");
            }
            existing(
                    appliance.resolve("quarkus-run.jar"),
                    "the packaged appliance (quarkus-run.jar) in the bundle's appliance/");
            Path auth = existing(root.resolve("auth"), "auth/ in the bundle");
            List<Path> authJars = new ArrayList<>();
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(auth, "*.jar")) {
                jars.forEach(authJars::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path keycloakDir = existing(root.resolve("keycloak"), "keycloak/ in the bundle");
            Path keycloak = Files.isRegularFile(keycloakDir.resolve("bin/kc.sh"))
                    ? keycloakDir
                    : single(keycloakDir, "keycloak-*", "the Keycloak distribution in the bundle");
            Path jre = root.resolve("jre");
            return new Parts(
                    cliJar,
                    cliLib,
                    appliance,
                    authJars,
                    keycloak,
                    Files.isExecutable(jre.resolve("bin/java")) ? Optional.of(jre) : Optional.empty());
        }
    }

    /** The part at {@code path}, its links resolved (a checkout may link its build outputs; the copies must not). */
    private static Path existing(Path path, String what) {
        if (!Files.exists(path)) {
            throw new InstallException("missing " + what + ": " + path);
        }
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path single(Path dir, String glob, String what) {
        if (!Files.isDirectory(dir)) {
            throw new InstallException("missing " + what + ": no directory " + dir);
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.endsWith("-sources.jar") && !name.endsWith("-tests.jar") && !name.endsWith(".tar.gz")) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found.size() != 1) {
            throw new InstallException(
                    (found.isEmpty() ? "missing " : "more than one ") + what + ": " + dir.resolve(glob));
        }
        return found.getFirst();
    }
}
