package dev.slate.serving.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The consumer of the telemetry outage benchmark ({@code serving/bench/telemetry-outage.sh}; docs/benchmarks.md,
 * "Telemetry with the broker down (issue 11)"): reads the usage topic from the beginning, reads the outbox rows of one
 * node whose period started before a cut-off, and compares them by record id ({@link UsageDeliveryAudit}). Optionally
 * checks that the {@code queries} records add up to the replica's own query count per environment (the {@code
 * slate_query_duration_seconds_count} series of {@code /q/metrics}, counted by the same callback as the meter).
 *
 * <pre>
 * UsageTopicAudit --bootstrap-servers HOST:PORT --jdbc-url jdbc:postgresql://HOST:PORT/DB [--db-user NAME]
 *     --node NODE --until INSTANT [--topic slate.usage.v1] [--expect-queries ENV=N]... [--continuous ENV]...
 *     [--outbox-only] [--output FILE]
 * </pre>
 *
 * {@code --continuous ENV} names an environment served throughout the run: its {@code node_seconds} records must
 * cover every period from the first to the last (other environments of a shared metadata database may come and go).
 * {@code --outbox-only} is for a run that let the outbox reach its bound: records over it are dropped by design
 * (docs/operations.md, "Billing telemetry"), so gaps in {@code node_seconds} are reported but not a failure, and only
 * the outbox's own records must all be on the topic.
 *
 * Exit status: 0 when every outbox record was delivered intact (repeats allowed) and the counts add up, 1 when not,
 * 2 for a bad command line or when the database or the broker cannot be read.
 */
public final class UsageTopicAudit {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);

    private UsageTopicAudit() {}

    /** The command line. */
    record Options(
            String bootstrapServers,
            String topic,
            String jdbcUrl,
            String dbUser,
            String node,
            Instant until,
            Map<String, Long> expectedQueries,
            Set<String> continuous,
            boolean outboxOnly,
            Optional<Path> output) {}

    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("UsageTopicAudit: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = run(o);
        } catch (SQLException | IOException | RuntimeException e) {
            System.err.println("UsageTopicAudit: " + e);
            status = 2;
        }
        System.exit(status);
    }

    static int run(Options o) throws SQLException, IOException {
        List<UsageDeliveryAudit.OutboxEntry> outbox = readOutbox(o);
        List<UsageDeliveryAudit.Message> topic = readTopic(o);
        UsageDeliveryAudit.Report report = UsageDeliveryAudit.compare(
                outbox, topic, r -> r.node().equals(o.node()) && r.periodStart().isBefore(o.until()), o.continuous());
        List<String> countMismatches = new ArrayList<>();
        o.expectedQueries().forEach((env, want) -> {
            long got = report.queries().getOrDefault(env, 0L);
            if (got != want) {
                countMismatches.add(env + ": records count " + got + " queries, the replica answered " + want);
            }
        });
        boolean ok = o.outboxOnly()
                ? report.deliveredAll() && countMismatches.isEmpty()
                : report.lossless() && countMismatches.isEmpty();
        System.out.printf(
                Locale.ROOT,
                "outbox records (node %s, periods before %s): %d, unshipped %d%n"
                        + "topic messages in scope: %d, distinct ids delivered intact: %d, repeated ids: %d (%d extra copies)%n"
                        + "missing: %d, differing: %d, unexpected: %d, malformed: %d, node_seconds gaps: %d%n"
                        + "queries in records by environment: %s; expected: %s%n",
                o.node(),
                o.until(),
                report.outboxRecords(),
                report.unshipped(),
                report.messages(),
                report.delivered(),
                report.duplicates().size(),
                report.duplicateCopies(),
                report.missing().size(),
                report.differing().size(),
                report.unexpected().size(),
                report.malformed().size(),
                report.periodGaps().size(),
                report.queries(),
                o.expectedQueries());
        report.missing().stream().limit(20).forEach(id -> System.out.println("  missing " + id));
        report.differing().stream().limit(20).forEach(id -> System.out.println("  differing " + id));
        report.unexpected().stream().limit(20).forEach(id -> System.out.println("  unexpected " + id));
        report.malformed().stream().limit(20).forEach(m -> System.out.println("  malformed " + m));
        report.periodGaps().stream().limit(20).forEach(g -> System.out.println("  gap " + g));
        countMismatches.forEach(m -> System.out.println("  count " + m));
        System.out.println(ok ? "verdict: nothing lost" : "verdict: LOSS OR CORRUPTION (see above)");
        if (o.output().isPresent()) {
            write(o, report, countMismatches, ok);
        }
        return ok ? 0 : 1;
    }

    private static List<UsageDeliveryAudit.OutboxEntry> readOutbox(Options o) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", o.dbUser());
        List<UsageDeliveryAudit.OutboxEntry> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(o.jdbcUrl(), p);
                PreparedStatement s = c.prepareStatement("select " + UsageOutbox.COLUMNS
                        + ", shipped_at from usage_outbox where node = ? and period_start < ? order by id")) {
            s.setString(1, o.node());
            s.setTimestamp(2, Timestamp.from(o.until()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new UsageDeliveryAudit.OutboxEntry(
                            rs.getLong(1), UsageOutbox.record(rs), rs.getTimestamp(10) != null));
                }
            }
        }
        return out;
    }

    /** Every message of the topic from the beginning up to the end offsets at the start of the read. */
    private static List<UsageDeliveryAudit.Message> readTopic(Options o) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "slate-usage-audit");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<UsageDeliveryAudit.Message> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(o.topic(), READ_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + o.topic() + " does not exist on " + o.bootstrapServers());
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + o.topic() + " up to " + end + " within "
                            + READ_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> m : consumer.poll(Duration.ofMillis(500))) {
                    if (m.offset() < end.get(new TopicPartition(m.topic(), m.partition()))) {
                        out.add(message(m));
                    }
                }
            }
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static UsageDeliveryAudit.Message message(ConsumerRecord<String, byte[]> m) {
        try {
            UsageRecord r = UsageJson.decode(m.value());
            Header h = m.headers().lastHeader(UsageShipper.RECORD_ID_HEADER);
            Optional<String> headerId =
                    h == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
            return new UsageDeliveryAudit.Decoded(m.partition(), m.offset(), m.key(), headerId, r);
        } catch (IllegalArgumentException e) {
            return new UsageDeliveryAudit.Malformed(m.partition(), m.offset(), e.getMessage());
        }
    }

    private static void write(Options o, UsageDeliveryAudit.Report report, List<String> countMismatches, boolean ok)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("node", o.node());
        json.put("until", o.until().toString());
        json.put("topic", o.topic());
        json.put("outbox_records", report.outboxRecords());
        json.put("unshipped", report.unshipped());
        json.put("topic_messages", report.messages());
        json.put("delivered", report.delivered());
        json.put("repeated_ids", report.duplicates().size());
        json.put("extra_copies", report.duplicateCopies());
        json.put("missing", report.missing().stream().map(UUID::toString).toList());
        json.put("differing", report.differing().stream().map(UUID::toString).toList());
        json.put("unexpected", report.unexpected().stream().map(UUID::toString).toList());
        json.put("malformed", report.malformed());
        json.put("continuous_environments", new TreeSet<>(o.continuous()));
        json.put("node_seconds_gaps", report.periodGaps());
        json.put("queries_in_records", new TreeMap<>(report.queries()));
        json.put("queries_expected", new TreeMap<>(o.expectedQueries()));
        json.put("count_mismatches", countMismatches);
        json.put("outbox_only", o.outboxOnly());
        json.put("lossless", ok);
        Path file = o.output().orElseThrow();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    static Options parse(String[] args) {
        Deque<String> a = new ArrayDeque<>(List.of(args));
        String bootstrap = null;
        String topic = "slate.usage.v1";
        String jdbcUrl = null;
        String dbUser = "postgres";
        String node = null;
        Instant until = null;
        Map<String, Long> expected = new TreeMap<>();
        Path output = null;
        boolean outboxOnly = false;
        Set<String> continuous = new TreeSet<>();
        while (!a.isEmpty()) {
            String opt = a.pop();
            if (opt.equals("--outbox-only")) {
                outboxOnly = true;
                continue;
            }
            if (a.isEmpty()) {
                throw new IllegalArgumentException("option " + opt + " needs a value");
            }
            String value = a.pop();
            switch (opt) {
                case "--bootstrap-servers" -> bootstrap = value;
                case "--topic" -> topic = value;
                case "--jdbc-url" -> jdbcUrl = value;
                case "--db-user" -> dbUser = value;
                case "--node" -> node = value;
                case "--until" -> until = instant(value);
                case "--expect-queries" -> {
                    int eq = value.lastIndexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--expect-queries takes ENV=N, got " + value);
                    }
                    try {
                        expected.put(value.substring(0, eq), Long.parseLong(value.substring(eq + 1)));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--expect-queries takes ENV=N, got " + value, e);
                    }
                }
                case "--continuous" -> continuous.add(value);
                case "--output" -> output = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + opt);
            }
        }
        if (bootstrap == null || jdbcUrl == null || node == null || until == null) {
            throw new IllegalArgumentException("--bootstrap-servers, --jdbc-url, --node and --until are required");
        }
        return new Options(
                bootstrap,
                topic,
                jdbcUrl,
                dbUser,
                node,
                until,
                expected,
                continuous,
                outboxOnly,
                Optional.ofNullable(output));
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--until must be an ISO-8601 instant, got " + text, e);
        }
    }
}
