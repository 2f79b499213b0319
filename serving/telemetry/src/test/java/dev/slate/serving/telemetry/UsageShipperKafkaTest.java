package dev.slate.serving.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slate.serving.telemetry.kafka.LocalKafkaBroker;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The shipper against a real single-node KRaft broker started from the Maven jars ({@link LocalKafkaBroker}, as
 * {@code kafka.sh} starts it) and the real PostgreSQL outbox. A consumer reads the topic from the start and counts
 * record ids.
 */
@DisabledIfSystemProperty(
        named = "slate.kafka.tests",
        matches = "false",
        disabledReason = "starts a real Kafka broker; -Dslate.kafka.tests=false skips it (docs/operations.md)")
class UsageShipperKafkaTest {

    private static final String TOPIC = "slate.usage.v1";
    private static LocalKafkaBroker.Settings settings;
    private static LocalKafkaBroker broker;

    private OutboxSchema db;
    private UsageOutbox outbox;
    private String topic;

    @BeforeAll
    static void startBroker() throws Exception {
        Path work = Path.of(System.getProperty("slate.kafka.work", "target/kafka-test"));
        Path dir = work.resolve("broker-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(dir);
        int port = freePort();
        settings = new LocalKafkaBroker.Settings(
                dir,
                port,
                freePort(),
                LocalKafkaBroker.readClasspath(
                        Path.of(System.getProperty("slate.kafka.classpath", "target/kafka-broker.classpath"))),
                LocalKafkaBroker.currentJava());
        broker = LocalKafkaBroker.start(settings, Duration.ofSeconds(120));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void schema() throws Exception {
        db = new OutboxSchema();
        outbox = new UsageOutbox(db.dataSource);
        topic = TOPIC + "." + UUID.randomUUID().toString().substring(0, 8); // one topic per test: counts start at zero
    }

    @AfterEach
    void drop() throws Exception {
        db.close();
    }

    @Test
    void everyOutboxRecordArrivesOnceKeyedByEnvironmentWithItsIdAndVersion() throws Exception {
        List<UsageRecord> records =
                new ArrayList<>(UsageOutboxTest.records(120, Instant.parse("2026-12-07T10:00:00Z")));
        records.add(UsageRecord.of(
                "staging",
                Optional.empty(),
                UsageMetric.NODE_SECONDS,
                10,
                Instant.parse("2026-12-07T10:00:00Z"),
                Instant.parse("2026-12-07T10:00:10Z"),
                "node-a"));
        outbox.append(records);
        try (UsageShipper shipper = shipper(Duration.ofSeconds(30))) {
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                shipper.shipOnce();
                return outbox.backlog() == 0;
            });
            assertThat(shipper.shipped()).isEqualTo(records.size());
            assertThat(shipper.failed()).isZero();
        }
        List<ConsumerRecord<String, byte[]>> consumed = consume(records.size());
        Map<UUID, Long> ids = consumed.stream()
                .collect(Collectors.groupingBy(r -> UsageJson.decode(r.value()).recordId(), Collectors.counting()));
        assertThat(ids.keySet())
                .isEqualTo(records.stream().map(UsageRecord::recordId).collect(Collectors.toSet()));
        assertThat(ids.values()).containsOnly(1L);
        for (ConsumerRecord<String, byte[]> m : consumed) {
            UsageRecord r = UsageJson.decode(m.value());
            assertThat(m.key()).isEqualTo(r.environment());
            assertThat(new String(
                            m.headers()
                                    .lastHeader(UsageShipper.RECORD_ID_HEADER)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(r.recordId().toString());
            assertThat(new String(
                            m.headers()
                                    .lastHeader(UsageShipper.SCHEMA_VERSION_HEADER)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo("1");
            assertThat(records).contains(r);
        }
    }

    @Test
    void withTheBrokerStoppedRecordsWaitInTheOutboxAndAllShipOnceItReturns() throws Exception {
        UsageMeter meter = new UsageMeter("node-a", Duration.ofSeconds(10), Instant.parse("2026-12-07T10:00:00Z"));
        Set<UUID> written = new HashSet<>();
        try (UsageShipper shipper = shipper(Duration.ofSeconds(3))) {
            // the broker is up: a first period ships
            outbox.append(UsageOutboxTest.records(10, Instant.parse("2026-12-07T09:00:00Z")));
            UsageOutboxTest.records(10, Instant.parse("2026-12-07T09:00:00Z")).forEach(r -> written.add(r.recordId()));
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                shipper.shipOnce();
                return outbox.backlog() == 0;
            });

            broker.close();
            // serving goes on: the meter counts and its periods reach the outbox while nothing can ship
            Instant t = Instant.parse("2026-12-07T10:00:00Z");
            for (int period = 1; period <= 30; period++) {
                for (int q = 0; q < 50; q++) {
                    meter.queryCompleted("default", q % 2 == 0 ? "fraud_check" : null, 2);
                }
                List<UsageRecord> closed = meter.close(t.plusSeconds(10L * period), List.of("default"));
                closed.forEach(r -> written.add(r.recordId()));
                outbox.append(closed);
            }
            long backlog = outbox.backlog();
            assertThat(backlog).isGreaterThan(30);
            UsageShipper.Round down = shipper.shipOnce();
            assertThat(down.shipped()).isZero();
            assertThat(down.failed()).isEqualTo(down.read()).isPositive();
            assertThat(outbox.backlog()).isEqualTo(backlog);
            assertThat(shipper.failed()).isPositive();

            broker = LocalKafkaBroker.start(settings, Duration.ofSeconds(120));
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                shipper.shipOnce();
                return outbox.backlog() == 0;
            });
        }
        List<ConsumerRecord<String, byte[]>> consumed = consume(written.size());
        Map<UUID, Long> ids = new HashMap<>();
        consumed.forEach(m -> ids.merge(UsageJson.decode(m.value()).recordId(), 1L, Long::sum));
        assertThat(ids.keySet()).as("every record written arrived").isEqualTo(written);
        assertThat(ids.values())
                .as("the broker was stopped between rounds: nothing was in flight, so nothing repeats")
                .containsOnly(1L);
        long queries = consumed.stream()
                .map(m -> UsageJson.decode(m.value()))
                .filter(r -> r.metric() == UsageMetric.QUERIES
                        && r.periodStart().isAfter(Instant.parse("2026-12-07T09:59:59Z")))
                .mapToLong(UsageRecord::quantity)
                .sum();
        assertThat(queries)
                .as("queries of the 29 periods closed one period ago")
                .isEqualTo(29 * 50);
    }

    private UsageShipper shipper(Duration deliveryTimeout) {
        return new UsageShipper(
                outbox,
                UsageShipper.producer(broker.bootstrapServers(), "test-" + topic, deliveryTimeout, Map.of()),
                topic,
                50,
                deliveryTimeout.plusSeconds(5),
                Clock.systemUTC());
    }

    private List<ConsumerRecord<String, byte[]>> consume(int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "count-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
                return out.size() >= expected;
            });
            // read on until a poll brings nothing more, so a repeat would be seen
            List<ConsumerRecord<String, byte[]>> more = new ArrayList<>();
            consumer.poll(Duration.ofSeconds(2)).forEach(more::add);
            out.addAll(more);
        }
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
