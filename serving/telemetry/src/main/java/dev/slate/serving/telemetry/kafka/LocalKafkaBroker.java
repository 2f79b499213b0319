package dev.slate.serving.telemetry.kafka;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one JVM), run from the {@code
 * org.apache.kafka:kafka_2.13} jars Maven resolved: for tests, {@code serving/telemetry/kafka.sh} and {@code slate up
 * --telemetry} (docs/operations.md, "Billing telemetry"). Everything lives under one directory: {@code
 * server.properties}, the log directory, {@code broker.log} and {@code broker.pid}. The JVM is kept small (serial GC,
 * 256 MB heap, one network and one I/O thread): the machines this runs on are shared.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** The broker's main class. */
    static final String MAIN_CLASS = "kafka.Kafka";

    /**
     * @param directory the broker's home; formatted on first start, reused (same cluster, same topics) after
     * @param port the PLAINTEXT listener on 127.0.0.1
     * @param controllerPort the KRaft controller listener on 127.0.0.1
     * @param classpath the broker's jars (kafka_2.13 and its runtime dependencies plus an SLF4J binding)
     * @param java the {@code java} executable
     */
    public record Settings(Path directory, int port, int controllerPort, List<Path> classpath, Path java) {
        public Settings {
            requireNonNull(directory, "directory is null");
            classpath = List.copyOf(classpath);
            requireNonNull(java, "java is null");
        }

        public String bootstrapServers() {
            return "127.0.0.1:" + port;
        }
    }

    private final Settings settings;
    private final Process process;

    private LocalKafkaBroker(Settings settings, Process process) {
        this.settings = settings;
        this.process = process;
    }

    /** The {@code java} of the running JVM. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Reads a class path file as {@code dependency:build-classpath} writes it (entries separated by the path separator). */
    public static List<Path> readClasspath(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            List<Path> out = new ArrayList<>();
            for (String entry : text.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    out.add(Path.of(entry));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the Kafka class path file " + file + " (build serving/telemetry first)", e);
        }
    }

    /**
     * Formats the directory if needed, starts the broker and returns once it answers a metadata request.
     *
     * @throws IllegalStateException when it does not become ready within {@code timeout} (it is stopped then)
     */
    public static LocalKafkaBroker start(Settings s, Duration timeout) {
        return start(s, timeout, false);
    }

    /** As {@link #start}, in a session of its own ({@code setsid}), so it outlives the JVM that started it. */
    public static LocalKafkaBroker startDetached(Settings s, Duration timeout) {
        return start(s, timeout, true);
    }

    private static LocalKafkaBroker start(Settings s, Duration timeout, boolean detached) {
        try {
            Files.createDirectories(s.directory());
            Path config = writeConfig(s);
            Path logs = s.directory().resolve("data");
            if (!Files.exists(logs.resolve("meta.properties"))) {
                format(s, config, timeout);
            }
            List<String> command = new ArrayList<>();
            if (detached) {
                setsid().ifPresent(command::add);
            }
            command.addAll(jvm(s));
            command.add(MAIN_CLASS);
            command.add(config.toString());
            Process p = new ProcessBuilder(command)
                    .directory(s.directory().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            s.directory().resolve("broker.log").toFile()))
                    .start();
            Files.writeString(s.directory().resolve("broker.pid"), Long.toString(p.pid()));
            LocalKafkaBroker broker = new LocalKafkaBroker(s, p);
            try {
                broker.awaitReady(timeout);
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka in " + s.directory(), e);
        }
    }

    public String bootstrapServers() {
        return settings.bootstrapServers();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the broker (SIGTERM: a controlled shutdown; SIGKILL after 30 s) and waits for it to exit. */
    @Override
    public void close() {
        stop(process.toHandle());
        try {
            Files.deleteIfExists(settings.directory().resolve("broker.pid"));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot remove " + settings.directory().resolve("broker.pid"), e);
        }
    }

    /** Stops the broker whose pid file is in {@code directory}, if it runs; true when one was stopped. */
    public static boolean stop(Path directory) {
        Optional<ProcessHandle> running = running(directory);
        running.ifPresent(LocalKafkaBroker::stop);
        try {
            Files.deleteIfExists(directory.resolve("broker.pid"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pid file in " + directory, e);
        }
        return running.isPresent();
    }

    /** The broker process of {@code directory}, when its pid file names a live Kafka JVM. */
    public static Optional<ProcessHandle> running(Path directory) {
        Path pidFile = directory.resolve("broker.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(LocalKafkaBroker::runsKafka);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the process runs the main class {@code kafka.Kafka}. Read from {@code /proc/PID/cmdline} where there is
     * one: {@link ProcessHandle.Info#commandLine()} is cut at 4,096 characters on Linux, and the broker's class path
     * alone is longer, so the main class after it would never be seen and {@code kafka.sh stop} would leave the broker
     * running.
     */
    static boolean runsKafka(ProcessHandle h) {
        Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
        if (Files.isReadable(cmdline)) {
            try {
                String args = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
                return ("\0" + args).contains("\0" + MAIN_CLASS + "\0");
            } catch (IOException e) {
                // the process is gone or unreadable: fall back to what the JDK reports
            }
        }
        return h.info().commandLine().map(c -> c.contains(MAIN_CLASS)).orElse(true);
    }

    private static void stop(ProcessHandle handle) {
        handle.destroy();
        try {
            handle.onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            handle.destroyForcibly();
            handle.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.destroyForcibly();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for Kafka to exit failed", e.getCause());
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                2_000);
        Exception last = null;
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka exited with " + process.exitValue() + " while starting; see "
                            + settings.directory().resolve("broker.log"));
                }
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(2, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e; // not up yet: the call itself waited up to 2 s
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while Kafka was starting", e);
                }
            }
        }
        throw new IllegalStateException(
                "Kafka did not become ready on " + settings.bootstrapServers() + " within " + timeout + "; see "
                        + settings.directory().resolve("broker.log"),
                last);
    }

    private static void format(Settings s, Path config, Duration timeout) throws IOException {
        byte[] id = new byte[16];
        String clusterId;
        do { // as Kafka's own random ids: never a leading '-', which its command line would read as an option
            new SecureRandom().nextBytes(id);
            clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        } while (clusterId.startsWith("-"));
        List<String> command = new ArrayList<>(jvm(s));
        command.addAll(
                List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString(), "--standalone"));
        Process p = new ProcessBuilder(command)
                .directory(s.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        s.directory().resolve("format.log").toFile()))
                .start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting Kafka's storage took longer than " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while formatting Kafka's storage", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("formatting Kafka's storage failed (exit " + p.exitValue() + "); see "
                    + s.directory().resolve("format.log"));
        }
    }

    private static List<String> jvm(Settings s) throws IOException {
        Path log4j = s.directory().resolve("log4j2.properties");
        Files.writeString(
                log4j,
                String.join(
                        "\n",
                        "status = warn",
                        "appender.out.type = Console",
                        "appender.out.name = out",
                        "appender.out.layout.type = PatternLayout",
                        "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                        "rootLogger.level = warn",
                        "rootLogger.appenderRef.out.ref = out",
                        "logger.kafka.name = kafka.server.KafkaRaftServer",
                        "logger.kafka.level = info",
                        ""));
        StringBuilder cp = new StringBuilder();
        for (Path p : s.classpath()) {
            if (!cp.isEmpty()) {
                cp.append(File.pathSeparatorChar);
            }
            cp.append(p);
        }
        return List.of(
                s.java().toString(),
                "-Xms64m",
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:ActiveProcessorCount=1",
                "-Xshare:auto",
                "-Dlog4j2.configurationFile=" + log4j.toUri(),
                "-cp",
                cp.toString());
    }

    private static Path writeConfig(Settings s) throws IOException {
        String host = "127.0.0.1";
        String text = String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=" + host + ":" + s.controllerPort(),
                "listeners=PLAINTEXT://" + host + ":" + s.port() + ",CONTROLLER://" + host + ":" + s.controllerPort(),
                "advertised.listeners=PLAINTEXT://" + host + ":" + s.port(),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + s.directory().resolve("data"),
                "num.partitions=1",
                "num.network.threads=1",
                "num.io.threads=1",
                "num.recovery.threads.per.data.dir=1",
                "background.threads=2",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "min.insync.replicas=1",
                "default.replication.factor=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "log.retention.hours=168",
                "");
        Path config = s.directory().resolve("server.properties");
        Files.writeString(config, text);
        return config;
    }

    private static Optional<String> setsid() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "setsid"))) {
                return Optional.of(Path.of(dir, "setsid").toString());
            }
        }
        return Optional.empty();
    }
}
