package dev.slate.serving.telemetry.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * {@code serving/telemetry/kafka.sh start|stop|status}: a local single-node Kafka for billing telemetry
 * (docs/operations.md, "Billing telemetry").
 */
public final class KafkaBrokerCommand {

    private KafkaBrokerCommand() {}

    public static void main(String[] args) {
        Deque<String> a = new ArrayDeque<>(List.of(args));
        if (a.isEmpty()) {
            System.err.println(
                    "usage: kafka.sh start|stop|status [--dir DIR] [--port N] [--controller-port N] --classpath-file FILE");
            System.exit(64);
        }
        String action = a.pop();
        Path dir = null;
        Path classpath = null;
        int port = 19092;
        int controllerPort = 19093;
        Duration timeout = Duration.ofSeconds(90);
        while (!a.isEmpty()) {
            String opt = a.pop();
            String value = a.isEmpty() ? null : a.pop();
            if (value == null) {
                fail("option " + opt + " needs a value");
            }
            switch (opt) {
                case "--dir" -> dir = Path.of(value);
                case "--classpath-file" -> classpath = Path.of(value);
                case "--port" -> port = Integer.parseInt(value);
                case "--controller-port" -> controllerPort = Integer.parseInt(value);
                case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value));
                default -> fail("unknown option " + opt);
            }
        }
        if (dir == null) {
            fail("--dir is required");
        }
        switch (action) {
            case "start" -> {
                if (LocalKafkaBroker.running(dir).isPresent()) {
                    fail("Kafka already runs from " + dir + " (kafka.sh stop first)");
                }
                if (classpath == null) {
                    fail("--classpath-file is required");
                }
                LocalKafkaBroker broker = LocalKafkaBroker.startDetached(
                        new LocalKafkaBroker.Settings(
                                dir,
                                port,
                                controllerPort,
                                LocalKafkaBroker.readClasspath(classpath),
                                LocalKafkaBroker.currentJava()),
                        timeout);
                System.out.println("Kafka ready on " + broker.bootstrapServers() + " (pid " + broker.pid() + ", log "
                        + dir.resolve("broker.log") + ")");
            }
            case "stop" -> System.out.println(LocalKafkaBroker.stop(dir) ? "Kafka stopped" : "Kafka was not running");
            case "status" -> {
                var running = LocalKafkaBroker.running(dir);
                System.out.println(
                        running.map(h -> "Kafka runs (pid " + h.pid() + ")").orElse("Kafka is not running"));
                System.exit(running.isPresent() ? 0 : 3);
            }
            default -> fail("unknown action " + action);
        }
    }

    private static void fail(String message) {
        System.err.println("kafka.sh: " + message);
        System.exit(64);
    }
}
