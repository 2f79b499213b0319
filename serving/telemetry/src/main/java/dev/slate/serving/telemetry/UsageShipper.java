package dev.slate.serving.telemetry;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes the outbox to Kafka (docs/specs/usage-records.md, "Delivery"): each round takes the oldest unshipped
 * records, sends each keyed by environment with an idempotent producer, waits for the broker's acknowledgements and
 * marks the acknowledged ones shipped. A record is marked only after the broker has it, so a crash or a broker outage
 * between the two resends it: delivery is at least once, and the record id lets a consumer drop the repeat.
 *
 * <p>Runs on its own thread: nothing on the serving path waits for it or for Kafka.
 */
public final class UsageShipper implements AutoCloseable {

    /** Message header carrying the record id (also in the value). */
    public static final String RECORD_ID_HEADER = "slate-record-id";
    /** Message header carrying the schema version (also in the value). */
    public static final String SCHEMA_VERSION_HEADER = "slate-schema-version";

    private final UsageOutbox outbox;
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final int batchSize;
    private final Duration ackTimeout;
    private final Clock clock;
    private final LongAdder shipped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    /** What one round did. */
    public record Round(int read, int shipped, int failed) {
        /** True when the round read a full batch and all went out: more may be waiting. */
        public boolean full(int batchSize) {
            return read == batchSize && failed == 0;
        }
    }

    public UsageShipper(
            UsageOutbox outbox,
            Producer<String, byte[]> producer,
            String topic,
            int batchSize,
            Duration ackTimeout,
            Clock clock) {
        this.outbox = requireNonNull(outbox, "outbox is null");
        this.producer = requireNonNull(producer, "producer is null");
        this.topic = requireNonNull(topic, "topic is null");
        this.ackTimeout = requireNonNull(ackTimeout, "ackTimeout is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive");
        }
        this.batchSize = batchSize;
    }

    /**
     * An idempotent producer for the usage topic: every acknowledgement from all in-sync replicas, and bounded waits
     * so a missing broker fails a round instead of hanging it.
     *
     * @param extra further producer settings ({@code slate.telemetry.kafka.properties}), applied last
     */
    public static Producer<String, byte[]> producer(
            String bootstrapServers, String clientId, Duration deliveryTimeout, Map<String, String> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put("max.in.flight.requests.per.connection", "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        long delivery = Math.max(deliveryTimeout.toMillis(), 2_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(delivery - 5, 10_000)));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
        // send() blocks at most this long for metadata while the broker is away (on the shipper's thread only)
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Math.min(delivery, 5_000)));
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "500");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "500");
        p.putAll(extra);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** One round: send up to a batch of unshipped records and mark what the broker acknowledged. */
    public Round shipOnce() {
        List<UsageOutbox.Row> rows = outbox.unshipped(batchSize);
        if (rows.isEmpty()) {
            return new Round(0, 0, 0);
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        for (UsageOutbox.Row row : rows) {
            UsageRecord r = row.record();
            RecordHeaders headers = new RecordHeaders();
            headers.add(
                    new RecordHeader(RECORD_ID_HEADER, r.recordId().toString().getBytes(StandardCharsets.UTF_8)));
            headers.add(new RecordHeader(
                    SCHEMA_VERSION_HEADER,
                    Integer.toString(UsageRecord.SCHEMA_VERSION).getBytes(StandardCharsets.UTF_8)));
            Future<RecordMetadata> ack;
            try {
                ack = producer.send(new ProducerRecord<>(topic, null, r.environment(), UsageJson.encode(r), headers));
            } catch (RuntimeException e) {
                lastFailure.set(e.toString());
                break;
            }
            acks.add(ack);
            if (failedAlready(ack)) {
                // e.g. no metadata within max.block.ms while the broker is away: each further send would wait as long,
                // so the rest of the round waits for the next round
                break;
            }
        }
        // no flush(): it waits without bound; the acknowledgements are awaited below, within ackTimeout
        List<Long> done = new ArrayList<>(rows.size());
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        for (int i = 0; i < acks.size(); i++) {
            Future<RecordMetadata> ack = acks.get(i);
            try {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                done.add(rows.get(i).id());
            } catch (ExecutionException | TimeoutException e) {
                lastFailure.set((e instanceof ExecutionException ? e.getCause() : e).toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        outbox.markShipped(done, clock.instant());
        int failures = rows.size() - done.size();
        shipped.add(done.size());
        failed.add(failures);
        return new Round(rows.size(), done.size(), failures);
    }

    private static boolean failedAlready(Future<RecordMetadata> ack) {
        if (!ack.isDone()) {
            return false;
        }
        try {
            ack.get();
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Records delivered since start. */
    public long shipped() {
        return shipped.sum();
    }

    /** Record deliveries that failed since start (each retried later). */
    public long failed() {
        return failed.sum();
    }

    /** The last delivery failure, for logs. */
    public String lastFailure() {
        return lastFailure.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
