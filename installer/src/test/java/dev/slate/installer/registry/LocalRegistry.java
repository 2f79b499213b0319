package dev.slate.installer.registry;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real registry for the tests: Debian's {@code docker-registry} (the CNCF distribution registry) on a free
 * 127.0.0.1 port, storing into a temp directory, optionally with htpasswd basic authentication and TLS.
 * {@code .ci/run} installs the package; where the binary is absent the test is skipped, saying so.
 */
public final class LocalRegistry implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;
    private final Path log;

    private LocalRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static void assumeInstalled() {
        assumeTrue(
                Files.isExecutable(BINARY),
                "Debian's docker-registry is not installed (apt-get install -y docker-registry; .ci/run does it):"
                        + " the real-registry push tests are skipped");
    }

    /**
     * @param htpasswd an htpasswd file (bcrypt) for basic authentication, or empty for none
     * @param tls certificate and key PEM files, or empty for plain HTTP
     */
    public static LocalRegistry start(Path dir, Optional<Path> htpasswd, Optional<Path[]> tls) throws IOException {
        return start(dir, htpasswd, tls, List.of());
    }

    /**
     * @param extraConfig lines appended to the registry's configuration (e.g. an {@code auth: token:} section)
     */
    public static LocalRegistry start(Path dir, Optional<Path> htpasswd, Optional<Path[]> tls, List<String> extraConfig)
            throws IOException {
        assumeInstalled();
        int port = freePort();
        Path storage = Files.createDirectories(dir.resolve("storage"));
        List<String> config = new ArrayList<>(List.of(
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + storage,
                "  delete:",
                "    enabled: true",
                "http:",
                "  addr: 127.0.0.1:" + port));
        tls.ifPresent(files -> {
            config.add("  tls:");
            config.add("    certificate: " + files[0]);
            config.add("    key: " + files[1]);
        });
        htpasswd.ifPresent(file -> {
            config.add("auth:");
            config.add("  htpasswd:");
            config.add("    realm: slate-test");
            config.add("    path: " + file);
        });
        config.addAll(extraConfig);
        Path configFile = Files.write(dir.resolve("config.yml"), config, StandardCharsets.UTF_8);
        Path log = dir.resolve("registry.log");
        Process process = new ProcessBuilder(BINARY.toString(), "serve", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        LocalRegistry registry = new LocalRegistry(process, port, log);
        try {
            Awaitility.await("docker-registry listening on 127.0.0.1:" + port)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("docker-registry exited: " + Files.readString(log));
                        }
                        return listening(port);
                    });
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1:" + port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
