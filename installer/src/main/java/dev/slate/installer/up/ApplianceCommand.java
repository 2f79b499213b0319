package dev.slate.installer.up;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How {@code slate up} starts the packaged appliance: the JVM, the jar, the embedded-mode settings,
 * the realm whose tokens it accepts ({@code issuer}; empty: the appliance's default) and the pid of the
 * process it must not outlive ({@code parentPid}, passed as {@code slate.parent-pid}; empty: none).
 */
public record ApplianceCommand(
        Path java, Path jar, boolean demo, int port, Path home, Optional<URI> issuer, OptionalLong parentPid) {
    /** The system property naming the home; {@link LeftoverAppliance} finds an orphaned appliance by it. */
    static final String HOME_PROPERTY = "-Dslate.home=";

    static final String PARENT_PID_PROPERTY = "-Dslate.parent-pid=";

    public ApplianceCommand(Path java, Path jar, boolean demo, int port, Path home) {
        this(java, jar, demo, port, home, Optional.empty(), OptionalLong.empty());
    }

    public ApplianceCommand {
        requireNonNull(issuer, "issuer is null");
        requireNonNull(parentPid, "parentPid is null");
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
        args.add(HOME_PROPERTY + home.toAbsolutePath());
        issuer.ifPresent(uri -> args.add("-Dslate.auth.issuer=" + uri));
        parentPid.ifPresent(pid -> args.add(PARENT_PID_PROPERTY + pid));
        args.add("-jar");
        args.add(jar.toAbsolutePath().toString());
        return List.copyOf(args);
    }
}
