package dev.slate.installer.up;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How {@code slate up} starts the packaged appliance: the JVM, the jar, the embedded-mode settings and
 * the realm whose tokens it accepts ({@code issuer}; empty: the appliance's default).
 */
public record ApplianceCommand(Path java, Path jar, boolean demo, int port, Path home, Optional<URI> issuer) {
    public ApplianceCommand(Path java, Path jar, boolean demo, int port, Path home) {
        this(java, jar, demo, port, home, Optional.empty());
    }

    public ApplianceCommand {
        requireNonNull(issuer, "issuer is null");
        requireNonNull(java, "java is null");
        requireNonNull(jar, "jar is null");
        requireNonNull(home, "home is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    /** The java binary of the running JVM. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        args.add(java.toString());
        args.add("--enable-native-access=ALL-UNNAMED");
        args.add("-Dslate.embedded=true");
        if (demo) {
            args.add("-Dslate.demo=true");
        }
        args.add("-Dslate.http.port=" + port);
        args.add("-Dslate.home=" + home.toAbsolutePath());
        issuer.ifPresent(uri -> args.add("-Dslate.auth.issuer=" + uri));
        args.add("-jar");
        args.add(jar.toAbsolutePath().toString());
        return List.copyOf(args);
    }
}
