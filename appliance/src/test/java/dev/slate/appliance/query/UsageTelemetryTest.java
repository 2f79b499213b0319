package dev.slate.appliance.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slate.serving.telemetry.UsageJson;
import dev.slate.serving.telemetry.UsageMetric;
import dev.slate.serving.telemetry.UsageRecord;
import dev.slate.serving.telemetry.kafka.LocalKafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hamcrest.Matcher;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Billing telemetry is never needed to serve (docs/operations.md, "Billing telemetry"): with the Kafka broker down,
 * queries answer, their usage accumulates in the PostgreSQL outbox; once a real broker (KRaft, from the Maven jars)
 * starts on the configured port, every outbox record reaches {@code slate.usage.v1}, counted by id by a consumer.
 */
@QuarkusTest
@TestProfile(FraudTestProfile.class)
@DisabledIfSystemProperty(
        named = "slate.kafka.tests",
        matches = "false",
        disabledReason = "starts a real Kafka broker; -Dslate.kafka.tests=false skips it (docs/operations.md)")
class UsageTelemetryTest {

    /** The port {@link FraudTestProfile} points the shipper at; nothing listens there until this test starts the broker. */
    static final int KAFKA_PORT = freePort();

    @RegisterExtension
    static final QueryEnvironment ENV = QueryEnvironment.deploying("usage", FraudProjects::fraud);

    private static LocalKafkaBroker broker;

    @Inject
    DataSource dataSource;

    @AfterAll
    static void clean() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void queriesAnswerWithKafkaDownAndTheirUsageShipsWhenItReturns() throws Exception {
        Instant since = Instant.now().minusSeconds(5);
        int queries = 40;
        for (int i = 0; i < queries; i++) {
            Answer answer = Answer.of(
                    ENV.query(Map.of("inputs", Map.of("user.id", 1 + i % 3), "outputs", List.of("user.email_domain"))));
            assertThat(answer.value("user.email_domain").isNull()).isFalse();
        }
        // the periods close every second; their records wait in the outbox, unshipped
        await().atMost(Duration.ofSeconds(60)).until(() -> sum(UsageMetric.QUERIES, false) >= queries);
        assertThat(sum(UsageMetric.QUERIES, true))
                .as("nothing shipped while the broker is down")
                .isZero();
        assertThat(sum(UsageMetric.NODE_SECONDS, false)).isPositive();
        String metrics = RestAssured.get("/q/metrics").asString();
        assertThat(metrics).containsPattern("slate_usage_outbox_backlog [1-9]");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> RestAssured.get("/q/metrics")
                        .asString()
                        .matches("(?s).*slate_usage_records_failed_total [1-9].*"));

        // the signed-export source reads the same records, shipped or not
        String page = RestAssured.given()
                .queryParam("since", since.toString())
                .get("/v1/usage/records")
                .then()
                .statusCode(200)
                .contentType(startsWith("application/x-ndjson"))
                .extract()
                .asString();
        List<UsageRecord> exported = page.lines()
                .map(l -> UsageJson.decode(l.getBytes(StandardCharsets.UTF_8)))
                .toList();
        assertThat(exported).anySatisfy(r -> assertThat(r.environment()).isEqualTo(ENV.name()));

        Path dir = Path.of(System.getProperty("slate.kafka.work", "target/kafka-test"))
                .resolve("usage-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(dir);
        broker = LocalKafkaBroker.start(
                new LocalKafkaBroker.Settings(
                        dir,
                        KAFKA_PORT,
                        freePort(),
                        LocalKafkaBroker.readClasspath(Path.of(System.getProperty("slate.kafka.classpath"))),
                        LocalKafkaBroker.currentJava()),
                Duration.ofMinutes(2));
        Set<UUID> expected = ids();
        await().atMost(Duration.ofMinutes(2)).until(() -> unshippedOlderThanNow() == 0);
        assertThat(sum(UsageMetric.QUERIES, true)).isGreaterThanOrEqualTo(queries);

        Set<UUID> consumed = new HashSet<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "usage-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("slate.usage.v1"));
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(m -> {
                    UsageRecord r = UsageJson.decode(m.value());
                    assertThat(m.key()).isEqualTo(r.environment());
                    consumed.add(r.recordId());
                });
                return consumed.containsAll(expected);
            });
        }
        assertThat(consumed)
                .as("every record the outbox held when the broker came back was delivered")
                .containsAll(expected);
    }

    private static Matcher<String> startsWith(String prefix) {
        return Matchers.startsWith(prefix);
    }

    private long sum(UsageMetric metric, boolean shipped) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select coalesce(sum(quantity), 0) from usage_outbox where environment = ? and metric = ? and (shipped_at is not null) = ?")) {
            s.setString(1, ENV.name());
            s.setString(2, metric.wireName());
            s.setBoolean(3, shipped);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Set<UUID> ids() throws Exception {
        Set<UUID> out = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select record_id from usage_outbox");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getObject(1, UUID.class));
            }
        }
        return out;
    }

    private long unshippedOlderThanNow() throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select count(*) from usage_outbox where shipped_at is null and created_at < now() - interval '3 seconds'");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
