package dev.slate.appliance.telemetry;

import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.offline.JobSuccessHook;
import dev.slate.serving.telemetry.UsageMeter;
import dev.slate.serving.telemetry.UsageOutbox;
import dev.slate.serving.telemetry.UsageRecord;
import dev.slate.serving.telemetry.UsageShipper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Billing telemetry of this replica (docs/operations.md, "Billing telemetry"; the records: docs/specs/usage-records.md).
 * Queries add to an in-memory {@link UsageMeter}; a thread of its own closes each period and writes its records to the
 * PostgreSQL outbox, and, when Kafka is configured, a second thread ships the outbox to the topic. Neither is on the
 * response path: with PostgreSQL or Kafka down, queries are answered as before.
 */
@Singleton
@Startup
public class UsageTelemetry {

    private static final Logger LOG = Logger.getLogger(UsageTelemetry.class);
    /** Closed records kept in memory while the outbox cannot be written; beyond it the oldest are dropped and counted. */
    static final int MAX_UNWRITTEN = 100_000;

    private final TelemetryConfig config;
    private final ServingState serving;
    private final Clock clock = Clock.systemUTC();
    private final UsageMeter meter;
    private final UsageOutbox outbox;
    private final UsageShipper shipper;
    private final ScheduledExecutorService flusher;
    private final ScheduledExecutorService shipping;
    private final List<UsageRecord> unwritten = new ArrayList<>();
    private final AtomicLong backlog = new AtomicLong();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();
    private volatile Instant lastPurge = Instant.EPOCH;
    private volatile long lastLog;
    private long retryMillis = 1000;

    UsageTelemetry(TelemetryConfig config, DataSource dataSource, ServingState serving, MeterRegistry registry) {
        this.config = config;
        this.serving = serving;
        if (!config.enabled()) {
            meter = null;
            outbox = null;
            shipper = null;
            flusher = null;
            shipping = null;
            return;
        }
        String node = config.node().orElseGet(UsageTelemetry::hostName);
        meter = new UsageMeter(node, config.period(), clock.instant());
        outbox = new UsageOutbox(dataSource);
        flusher = Executors.newSingleThreadScheduledExecutor(daemon("slate-usage-outbox"));
        long periodMillis = config.period().toMillis();
        long firstDelay =
                periodMillis - Math.floorMod(clock.millis(), periodMillis) + 50; // just after a period boundary
        flusher.scheduleAtFixedRate(this::flushSafely, firstDelay, periodMillis, TimeUnit.MILLISECONDS);
        Gauge.builder("slate.usage.outbox.backlog", backlog, AtomicLong::get)
                .description("Usage records in the outbox not yet shipped to Kafka")
                .register(registry);
        // the bound, so that the built-in alert (docs/alerts.md, "Built-in rules") reads backlog / bound >= 1
        Gauge.builder("slate.usage.outbox.max.backlog", config.outbox(), o -> (double) o.maxBacklog())
                .description("The outbox's bound, slate.telemetry.outbox.max-backlog: at it new records are dropped")
                .register(registry);
        FunctionCounter.builder("slate.usage.records.dropped", dropped, LongAdder::sum)
                .description("Usage records dropped because the outbox was over slate.telemetry.outbox.max-backlog")
                .register(registry);
        FunctionCounter.builder("slate.usage.outbox.write.failures", writeFailures, LongAdder::sum)
                .description("Failed writes of closed usage periods to the outbox (retried every period)")
                .register(registry);
        if (config.kafka().bootstrapServers().isPresent()) {
            TelemetryConfig.Kafka k = config.kafka();
            shipper = new UsageShipper(
                    outbox,
                    UsageShipper.producer(
                            k.bootstrapServers().get(), "slate-usage-" + node, k.deliveryTimeout(), k.properties()),
                    k.topic(),
                    k.batchSize(),
                    k.deliveryTimeout().plusSeconds(5),
                    clock);
            shipping = Executors.newSingleThreadScheduledExecutor(daemon("slate-usage-shipper"));
            shipping.schedule(this::shipSafely, 0, TimeUnit.MILLISECONDS);
            FunctionCounter.builder("slate.usage.records.shipped", shipper, UsageShipper::shipped)
                    .description("Usage records delivered to the Kafka topic")
                    .register(registry);
            FunctionCounter.builder("slate.usage.records.failed", shipper, UsageShipper::failed)
                    .description("Usage record deliveries to Kafka that failed (each is retried)")
                    .register(registry);
        } else {
            shipper = null;
            shipping = null;
        }
        LOG.infof(
                "billing telemetry on: node %s, periods of %s, %s",
                node,
                config.period(),
                shipper == null
                        ? "no Kafka export (slate usage export reads the outbox)"
                        : "shipping to " + config.kafka().topic());
    }

    /** True when usage is being counted. */
    public boolean enabled() {
        return meter != null;
    }

    /** One online query finished: cheap, never blocks (see {@link UsageMeter#queryCompleted}). */
    public void queryCompleted(String environment, String queryName, long featuresComputed) {
        UsageMeter m = meter;
        if (m != null) {
            m.queryCompleted(environment, queryName, featuresComputed);
        }
    }

    /**
     * What runs when an offline query job succeeds: with telemetry on, its {@code offline_rows} record is written to
     * the outbox in the same transaction that marks the job SUCCEEDED (docs/specs/usage-records.md).
     */
    public JobSuccessHook offlineJobAccounting() {
        if (meter == null) {
            return JobSuccessHook.NONE;
        }
        String node = meter.node();
        return (transaction, jobId, environment, rows, at) -> UsageOutbox.append(
                transaction, List.of(UsageRecord.offlineRows(environment, jobId, rows, at, config.period(), node)));
    }

    /** The outbox, when telemetry is on. */
    public Optional<UsageOutbox> outbox() {
        return Optional.ofNullable(outbox);
    }

    /** Closes the period that just ended and writes what is ready to the outbox; called every period. */
    synchronized void flush(Instant now, boolean final_) {
        List<UsageRecord> closed = final_
                ? meter.drain(now, serving.all().keySet())
                : meter.close(now, serving.all().keySet());
        if (backlog.get() + unwritten.size() >= config.outbox().maxBacklog()) {
            dropped.add(closed.size());
            warn("the usage outbox holds " + backlog.get() + " unshipped records (slate.telemetry.outbox.max-backlog "
                    + config.outbox().maxBacklog() + "): new records are dropped until it ships");
        } else {
            unwritten.addAll(closed);
        }
        if (unwritten.size() > MAX_UNWRITTEN) {
            int excess = unwritten.size() - MAX_UNWRITTEN;
            unwritten.subList(0, excess).clear();
            dropped.add(excess);
        }
        try {
            outbox.append(unwritten);
            unwritten.clear();
            backlog.set(outbox.backlog());
            if (Duration.between(lastPurge, now).toHours() >= 1) {
                lastPurge = now;
                outbox.purge(now.minus(config.outbox().retention()), shipper == null);
            }
        } catch (RuntimeException e) {
            writeFailures.increment();
            warn("cannot write " + unwritten.size()
                    + " usage records to the outbox (kept in memory, retried next period): " + e.getMessage());
        }
    }

    private void flushSafely() {
        try {
            flush(clock.instant(), false);
        } catch (RuntimeException e) {
            LOG.error("usage period could not be closed", e);
        }
    }

    private void shipSafely() {
        long delay = config.period().toMillis();
        try {
            UsageShipper.Round round = shipper.shipOnce();
            if (round.failed() > 0) {
                delay = retryMillis;
                retryMillis =
                        Math.min(retryMillis * 2, config.kafka().retryMax().toMillis());
                warn("usage records could not be shipped to Kafka (" + round.failed() + " of " + round.read()
                        + ", retried in " + delay + " ms): " + shipper.lastFailure());
            } else {
                retryMillis = 1000;
                if (round.full(config.kafka().batchSize())) {
                    delay = 0;
                }
            }
            if (round.read() > 0) {
                backlog.set(outbox.backlog());
            }
        } catch (RuntimeException e) {
            delay = retryMillis;
            retryMillis = Math.min(retryMillis * 2, config.kafka().retryMax().toMillis());
            warn("usage shipping round failed: " + e.getMessage());
        }
        if (!shipping.isShutdown()) {
            shipping.schedule(this::shipSafely, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void warn(String message) {
        long now = System.currentTimeMillis();
        if (now - lastLog > 60_000) { // at most one line a minute: an outage must not flood the log
            lastLog = now;
            LOG.warn(message);
        }
    }

    @PreDestroy
    void stop() {
        if (meter == null) {
            return;
        }
        flusher.shutdown();
        if (shipping != null) {
            shipping.shutdown();
        }
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
            flush(clock.instant(), true); // what was counted up to now, so a clean restart loses nothing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("the last usage period could not be written at shutdown: " + e.getMessage());
        }
        if (shipper != null) {
            try {
                shipping.awaitTermination(config.kafka().deliveryTimeout().toSeconds() + 10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            shipper.close();
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-node";
        }
    }
}
