package dev.slate.storage.redis;

import java.io.File;
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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A throwaway three-primary Redis Cluster on loopback, started from the {@code redis-server} and
 * {@code redis-cli} binaries on the PATH (no data kept on disk). Only this object's own processes
 * are stopped on {@link #close()}.
 */
final class LocalRedisCluster implements AutoCloseable {

    private static final int NODES = 3;

    private final Path dir;
    private final List<Integer> ports;
    private final List<Process> processes;
    /** Stops the servers should the test JVM exit without {@link #close()}. */
    private final Thread stopOnExit;

    private LocalRedisCluster(Path dir, List<Integer> ports, List<Process> processes) {
        this.dir = dir;
        this.ports = ports;
        this.processes = processes;
        this.stopOnExit = new Thread(() -> processes.forEach(Process::destroyForcibly), "stop-local-redis-cluster");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts a cluster, or returns empty when the Redis binaries are not installed. */
    static Optional<LocalRedisCluster> startIfInstalled() throws IOException, InterruptedException {
        Optional<Path> server = onPath("redis-server");
        Optional<Path> cli = onPath("redis-cli");
        if (server.isEmpty() || cli.isEmpty()) {
            return Optional.empty();
        }
        Path dir = Files.createTempDirectory("slate-redis-cluster");
        List<Integer> ports = freePorts();
        List<Process> processes = new ArrayList<>();
        LocalRedisCluster cluster = new LocalRedisCluster(dir, ports, processes);
        try {
            for (int port : ports) {
                processes.add(new ProcessBuilder(
                                server.get().toString(),
                                "--port",
                                Integer.toString(port),
                                "--bind",
                                "127.0.0.1",
                                "--cluster-enabled",
                                "yes",
                                "--cluster-config-file",
                                "nodes-" + port + ".conf",
                                "--cluster-node-timeout",
                                "2000",
                                "--dir",
                                dir.toString(),
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--daemonize",
                                "no")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
                        .start());
            }
            for (int port : ports) {
                waitForPort(port);
            }
            List<String> create = new ArrayList<>(List.of(cli.get().toString(), "--cluster", "create"));
            for (int port : ports) {
                create.add("127.0.0.1:" + port);
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            run(create);
            for (int port : ports) {
                waitForClusterOk(cli.get(), port);
            }
            return Optional.of(cluster);
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    List<String> connectionStrings() {
        return ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs anyway
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private static Optional<Path> onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Ports whose cluster bus port (port + 10000) is free too. */
    private static List<Integer> freePorts() throws IOException {
        List<Integer> ports = new ArrayList<>();
        int attempts = 0;
        while (ports.size() < NODES) {
            if (++attempts > 200) {
                throw new IOException("no free port pair for a local Redis cluster");
            }
            int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            if (!ports.contains(port) && isFree(port) && isFree(port + 10_000)) {
                ports.add(port);
            }
        }
        return ports;
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void waitForPort(int port) {
        Awaitility.await("redis-server on port " + port + " starts")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    private static void waitForClusterOk(Path cli, int port) {
        Awaitility.await("the local Redis cluster reaches cluster_state:ok")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> run(List.of(cli.toString(), "-p", Integer.toString(port), "cluster", "info"))
                        .contains("cluster_state:ok"));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command.get(0));
        }
        if (p.exitValue() != 0) {
            throw new IOException(command.get(0) + " failed: " + out);
        }
        return out;
    }
}
