package dev.slate.installer;

import dev.slate.installer.up.ApplianceCommand;
import dev.slate.installer.up.ApplianceLocator;
import dev.slate.installer.up.ApplianceRunner;
import dev.slate.installer.up.ConsoleBanner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true, description = {
        "Run Slate standalone in the foreground, with an embedded PostgreSQL and Redis.",
        "Data is kept under --home between runs. Ctrl-C stops it."})
final class UpCommand implements Callable<Integer> {
    @ParentCommand
    SlateCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--demo", description = "Seed the example database and deploy the `fraud` example project.")
    boolean demo;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--home", paramLabel = "DIR", description = "Data directory (default: ~/.slate).")
    Path home;

    @Option(names = "--ready-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long to wait for the appliance to be ready (default: ${DEFAULT-VALUE}).")
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
        Path dataHome = (home != null ? home : root.userHome().resolve(".slate")).toAbsolutePath().normalize();
        createDirectories(dataHome);
        requireFreePort(port);

        URI baseUrl = URI.create("http://127.0.0.1:" + port);
        ApplianceCommand command = new ApplianceCommand(ApplianceCommand.currentJava(), jar, demo, port, dataHome);
        ApplianceRunner runner = new ApplianceRunner(command.arguments(), baseUrl,
                Duration.ofSeconds(readyTimeoutSeconds), ConsoleBanner.render(baseUrl, dataHome, demo),
                spec.commandLine().getOut(), root.mapper());
        return runner.run(dataHome);
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
            throw new CliException("port " + port + " is in use (is Slate already running?); choose another with --port");
        }
    }
}
