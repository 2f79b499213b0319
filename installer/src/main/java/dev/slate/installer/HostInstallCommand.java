package dev.slate.installer;

import dev.slate.installer.bundle.PinnedPublicKey;
import dev.slate.installer.install.BundleIntake;
import dev.slate.installer.install.ExternalDatabases;
import dev.slate.installer.install.HostRequirements;
import dev.slate.installer.install.InstallException;
import dev.slate.installer.install.InstallLayout;
import dev.slate.installer.install.InstallSettings;
import dev.slate.installer.install.InstallSource;
import dev.slate.installer.install.PostgresTarget;
import dev.slate.installer.install.PreflightCheck;
import dev.slate.installer.install.RedisTarget;
import dev.slate.installer.install.StandaloneInstaller;
import dev.slate.installer.install.SystemHostProbe;
import dev.slate.installer.install.SystemdControl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "install",
        mixinStandardHelpOptions = true,
        description = {
            "Install Slate on this host (--standalone): files under --prefix, systemd unit files (enabled and started",
            "where systemd runs), the embedded (or --postgres-url/--redis-url external) PostgreSQL and Redis. Every step is recorded in PREFIX/var/install-state.json;",
            "re-running the same command after a failure continues at the step that failed. See docs/install.md."
        })
final class HostInstallCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--standalone",
            required = true,
            description = "Install on this host (a Kubernetes namespace: slate install --cluster, docs/install.md).")
    boolean standalone;

    @Option(
            names = "--prefix",
            required = true,
            paramLabel = "DIR",
            description = "Where to install (e.g. /opt/slate).")
    Path prefix;

    @ArgGroup(exclusive = true, multiplicity = "1")
    From from;

    static final class From {
        @Option(
                names = "--from-bundle",
                paramLabel = "FILE",
                description = "The offline bundle (slate-bundle-VERSION.tar).")
        Path bundle;

        @Option(
                names = "--from-source",
                paramLabel = "DIR",
                description = "A built Slate checkout (development and tests).")
        Path source;
    }

    @Option(
            names = "--public-key",
            paramLabel = "FILE|PEM",
            description = {
                "The key the bundle's signature must verify with.",
                "Default: $" + PinnedPublicKey.ENVIRONMENT + ", else the key built into this CLI."
            })
    String publicKey;

    @Option(
            names = "--unverified",
            description = "Install a bundle without checking its signature and checksums (not recommended).")
    boolean unverified;

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "N",
            description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--auth-port",
            defaultValue = "18080",
            paramLabel = "N",
            description = "Keycloak port (default: ${DEFAULT-VALUE}).")
    int authPort;

    @Option(names = "--demo", description = "Seed the example project and Keycloak's demo users (trials, tests).")
    boolean demo;

    @Option(names = "--no-systemd", description = "Write the unit files but never call systemctl.")
    boolean noSystemd;

    @Option(
            names = "--postgres-url",
            paramLabel = "URL",
            description = {
                "An external PostgreSQL (14+) for the metadata instead of the embedded one:",
                "postgresql://USER@HOST:PORT/DATABASE (no password in it). Needs --redis-url too."
            })
    String postgresUrl;

    @Option(
            names = "--postgres-password-file",
            paramLabel = "FILE",
            description =
                    "A file holding the external PostgreSQL's password (passwords are never taken on the command line).")
    Path postgresPasswordFile;

    @Option(
            names = "--redis-url",
            paramLabel = "URL",
            description = "An external Redis (6+) for the online store: redis://HOST:PORT[/DB] (no password in it).")
    String redisUrl;

    @Option(
            names = "--redis-password-file",
            paramLabel = "FILE",
            description = "A file holding the external Redis' password.")
    Path redisPasswordFile;

    private Optional<ExternalDatabases> external() {
        if (postgresUrl == null && redisUrl == null) {
            if (postgresPasswordFile != null || redisPasswordFile != null) {
                throw new ParameterException(
                        spec.commandLine(), "a password file needs its --postgres-url / --redis-url");
            }
            return Optional.empty();
        }
        if (postgresUrl == null || redisUrl == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--postgres-url and --redis-url go together (the embedded servers are started as a pair)");
        }
        try {
            return Optional.of(new ExternalDatabases(
                    PostgresTarget.parse(postgresUrl),
                    Optional.ofNullable(postgresPasswordFile)
                            .map(p -> p.toAbsolutePath().normalize()),
                    RedisTarget.parse(redisUrl),
                    Optional.ofNullable(redisPasswordFile)
                            .map(p -> p.toAbsolutePath().normalize())));
        } catch (InstallException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        InstallLayout layout = new InstallLayout(prefix);
        Optional<ExternalDatabases> external = external();
        SystemHostProbe probe = new SystemHostProbe();
        InstallSource source;
        if (from.source != null) {
            source = new InstallSource.SourceTree(from.source.toAbsolutePath().normalize());
        } else {
            try {
                source = BundleIntake.of(
                                unverified, Optional.ofNullable(publicKey), root.env(PinnedPublicKey.ENVIRONMENT))
                        .unpack(from.bundle.toAbsolutePath().normalize(), layout, out::println);
            } catch (InstallException e) {
                throw new CliException(e.getMessage());
            }
        }
        InstallSettings settings;
        try {
            settings = new InstallSettings(
                    port, authPort, Path.of(System.getProperty("java.home"), "bin", "java"), demo, external);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        StandaloneInstaller installer = new StandaloneInstaller(
                layout,
                source,
                settings,
                probe,
                HostRequirements.defaults().withPorts(port, authPort),
                noSystemd ? SystemdControl.none() : SystemdControl.system(probe),
                line -> {
                    out.println(line);
                    out.flush();
                },
                step -> {
                    out.println("· " + step);
                    out.flush();
                });
        out.println("Installing Slate from " + source.describe() + " into " + layout.prefix());
        StandaloneInstaller.Outcome outcome;
        try {
            outcome = installer.install();
        } catch (InstallException e) {
            throw new CliException(e.getMessage());
        }
        if (from.bundle != null) {
            // the unpacked bundle was only the source of the copies: a re-run unpacks (and verifies) it again
            try {
                StandaloneInstaller.deleteTree(layout.var().resolve("bundle"));
            } catch (IOException e) {
                out.println("Could not remove the unpacked bundle "
                        + layout.var().resolve("bundle") + ": " + e.getMessage());
            }
        }
        for (PreflightCheck check : outcome.preflight()) {
            if (check.status() != PreflightCheck.Status.OK) {
                out.println("preflight " + check.status() + " " + check.name() + ": " + check.detail());
            }
        }
        if (!outcome.skipped().isEmpty()) {
            out.println("Already done before: " + String.join(", ", outcome.skipped()));
        }
        out.println("Slate is installed in " + layout.prefix()
                + (outcome.systemdStarted()
                        ? " and running (systemd)."
                        : ". Start it with: " + layout.launcher() + " start"));
        return 0;
    }
}
