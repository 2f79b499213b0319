package dev.slate.installer;

import dev.slate.installer.up.ApplianceCommand;
import dev.slate.installer.up.ApplianceLocator;
import dev.slate.installer.up.ApplianceRunner;
import dev.slate.installer.up.ConsoleBanner;
import dev.slate.installer.up.HomeLock;
import dev.slate.installer.up.KeycloakLauncher;
import dev.slate.installer.up.LeftoverAppliance;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Run Slate standalone in the foreground, with an embedded PostgreSQL and Redis, and the bundled",
            "Keycloak (realm slate) unless --issuer names another. Data is kept under --home between runs.",
            "Ctrl-C stops it all."
        })
final class UpCommand implements Callable<Integer> {
    /** Keycloak's first start of a home builds and imports for 30-60 s, several minutes on a loaded host. */
    static final int KEYCLOAK_MIN_TIMEOUT_SECONDS = 240;

    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--demo", description = "Seed the example database and deploy the `fraud` example project.")
    boolean demo;

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "N",
            description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--home", paramLabel = "DIR", description = "Data directory (default: ~/.slate).")
    Path home;

    @Option(
            names = "--issuer",
            paramLabel = "URL",
            description = {
                "Accept tokens of this Keycloak realm instead of starting the bundled Keycloak",
                "(default: $SLATE_AUTH_ISSUER; when neither is set, Keycloak runs under --home/keycloak)."
            })
    String issuer;

    @Option(
            names = "--auth-port",
            defaultValue = "18080",
            paramLabel = "N",
            description = "Port of the bundled Keycloak on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int authPort;

    @Option(
            names = "--ready-timeout",
            defaultValue = "120",
            paramLabel = "SECONDS",
            description =
                    "How long to wait for the appliance (and, if longer than 240 s, Keycloak) to be ready (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 1..65535, got " + port);
        }
        if (readyTimeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--ready-timeout must be positive");
        }
        Path jar = ApplianceLocator.locate(root.env("SLATE_REPO"), ApplianceLocator.codeLocation(SlateCli.class));
        Path dataHome = (home != null ? home : root.userHome().resolve(".slate"))
                .toAbsolutePath()
                .normalize();
        createDirectories(dataHome);
        PrintWriter console = spec.commandLine().getOut();
        // held until this JVM ends, however it ends: the next slate up then knows leftovers are orphans
        HomeLock homeLock = HomeLock.acquire(dataHome, "slate up");
        LeftoverAppliance.stop(dataHome, line -> {
            console.println(line);
            console.flush();
        });
        requireFreePort(port);

        URI baseUrl = URI.create("http://127.0.0.1:" + port);
        PrintWriter out = spec.commandLine().getOut();
        Optional<URI> external = Optional.ofNullable(issuer)
                .filter(s -> !s.isBlank())
                .or(() -> root.env("SLATE_AUTH_ISSUER"))
                .map(this::issuerUri);
        KeycloakLauncher keycloak = null;
        Thread stopKeycloak = null;
        URI realm;
        if (external.isPresent()) {
            realm = external.get();
            out.println("Slate accepts tokens of " + realm + " (no Keycloak started).");
        } else {
            if (authPort < 1 || authPort > 65535) {
                throw new ParameterException(spec.commandLine(), "--auth-port must be 1..65535, got " + authPort);
            }
            keycloak = new KeycloakLauncher(KeycloakLauncher.scriptFor(jar), dataHome.resolve("keycloak"));
            KeycloakLauncher started = keycloak;
            stopKeycloak = new Thread(() -> started.stop(line -> {}), "slate-up-stop-keycloak");
            Runtime.getRuntime().addShutdownHook(stopKeycloak);
            realm = keycloak.start(
                    authPort, demo, Math.max(KEYCLOAK_MIN_TIMEOUT_SECONDS, readyTimeoutSeconds), line -> {
                        out.println(line);
                        out.flush();
                    });
        }
        ConsoleBanner.Login login = new ConsoleBanner.Login(
                realm,
                keycloak != null && demo ? keycloak.demoPassword() : Optional.empty(),
                keycloak != null ? Optional.of(keycloak.credentialsFile()) : Optional.empty());
        ApplianceCommand command = new ApplianceCommand(
                ApplianceCommand.currentJava(),
                jar,
                demo,
                port,
                dataHome,
                Optional.of(realm),
                OptionalLong.of(ProcessHandle.current().pid()));
        ApplianceRunner runner = new ApplianceRunner(
                command.arguments(),
                baseUrl,
                Duration.ofSeconds(readyTimeoutSeconds),
                ConsoleBanner.render(baseUrl, dataHome, demo, Optional.of(login)),
                out,
                root.mapper());
        if (keycloak != null) {
            // Keycloak killed under a running slate up: stop the rest too, so the next slate up starts cleanly
            keycloak.processGroup().stream()
                    .mapToObj(ProcessHandle::of)
                    .flatMap(Optional::stream)
                    .findFirst()
                    .ifPresent(leader -> leader.onExit()
                            .thenRun(() -> runner.abort(
                                    "Keycloak (pid " + leader.pid() + ") stopped unexpectedly; run slate up again")));
        }
        try {
            return runner.run(dataHome);
        } finally {
            homeLock.close();
            if (keycloak != null) {
                keycloak.stop(line -> {});
                try {
                    Runtime.getRuntime().removeShutdownHook(stopKeycloak);
                } catch (IllegalStateException e) {
                    // shutting down: the hook stops Keycloak
                }
            }
        }
    }

    private URI issuerUri(String text) {
        try {
            URI uri = URI.create(text.strip());
            if (uri.getScheme() == null
                    || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(), "invalid issuer '" + text + "': expected http(s)://HOST:PORT/realms/REALM");
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliException("cannot create the data directory " + dir + ": " + e.getMessage());
        }
    }

    private static void requireFreePort(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new CliException(
                    "port " + port + " is in use (is Slate already running?); choose another with --port");
        }
    }
}
