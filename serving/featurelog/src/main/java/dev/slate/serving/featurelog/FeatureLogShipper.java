package dev.slate.serving.featurelog;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The shipping half of the feature log: one background thread that appends sealed spool segments to
 * the {@link OfflineStore}, oldest first, in batches. After each successful append it records how far
 * the segment has been shipped ({@code segment-N.spool.shipped}, replaced atomically), and deletes the
 * segment when all of it is shipped. While the store fails, it retries with exponential backoff and the
 * backlog stays on disk. Delivery is at least once: a crash between an append and the offset update
 * re-sends that one batch, whose values are identical observations (point-in-time answers do not change).
 */
public final class FeatureLogShipper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FeatureLogShipper.class);

    private final FeatureLogSpool spool;
    private final OfflineStore store;
    private final FeatureLogConfig config;
    private final Consumer<List<ObservedValue>> onShipped;
    private final AtomicLong shipped = new AtomicLong();
    private final AtomicLong damaged = new AtomicLong();
    private final Thread thread;
    private final Object wakeUp = new Object();
    private volatile boolean stopping;
    private volatile Optional<String> lastError = Optional.empty();
    private volatile Optional<Instant> lastShippedAt = Optional.empty();
    private volatile int pendingSegments;
    private long lastErrorLogMillis;

    public FeatureLogShipper(FeatureLogSpool spool, OfflineStore store, FeatureLogConfig config) {
        this(spool, store, config, values -> {});
    }

    /**
     * @param onShipped told, on the shipper's thread, about every batch the offline store took (feature-value
     *     statistics: docs/operations.md, "Feature-value monitoring"); its failures are logged and never stop shipping
     */
    public FeatureLogShipper(
            FeatureLogSpool spool,
            OfflineStore store,
            FeatureLogConfig config,
            Consumer<List<ObservedValue>> onShipped) {
        this.onShipped = requireNonNull(onShipped, "onShipped is null");
        this.spool = requireNonNull(spool, "spool is null");
        this.store = requireNonNull(store, "store is null");
        this.config = requireNonNull(config, "config is null");
        this.thread = Thread.ofPlatform()
                .name("slate-feature-log-shipper")
                .daemon(true)
                .unstarted(this::run);
        thread.start();
    }

    long shipped() {
        return shipped.get();
    }

    long damaged() {
        return damaged.get();
    }

    int pendingSegments() {
        return pendingSegments;
    }

    Optional<String> lastError() {
        return lastError;
    }

    Optional<Instant> lastShippedAt() {
        return lastShippedAt;
    }

    private void run() {
        BackgroundPriority.lowerCurrentThread();
        Duration backoff = config.retryMin();
        while (true) {
            boolean finalPass = stopping;
            try {
                boolean didWork = shipSealedSegments();
                backoff = config.retryMin();
                if (finalPass) {
                    return;
                }
                if (!didWork) {
                    pause(Math.min(200, config.segmentMaxAge().toMillis()));
                }
            } catch (StoreFailure e) {
                lastError = Optional.of(e.getCause().toString());
                logFailure(e.getCause());
                if (finalPass) {
                    return;
                }
                pause(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(config.retryMax()) > 0
                        ? config.retryMax()
                        : backoff.multipliedBy(2);
            } catch (IOException | RuntimeException e) {
                lastError = Optional.of("spool: " + e);
                logFailure(e);
                if (finalPass) {
                    return;
                }
                pause(backoff.toMillis());
            }
        }
    }

    /** Ships every sealed segment; returns whether anything was shipped or removed. */
    private boolean shipSealedSegments() throws IOException {
        List<Path> segments = SpoolSegment.list(spool.directory());
        pendingSegments = segments.size();
        long open = spool.openSequence();
        boolean didWork = false;
        for (Path segment : segments) {
            if (SpoolSegment.sequenceOf(segment) >= open) {
                break;
            }
            shipSegment(segment);
            didWork = true;
        }
        return didWork;
    }

    private void shipSegment(Path segment) throws IOException {
        Path offsetFile = SpoolSegment.offsetPath(segment);
        long offset = readOffset(offsetFile);
        while (true) {
            // a record is one value (older format) or a block of a query's values of about 24 bytes each
            SpoolSegment.Chunk chunk =
                    SpoolSegment.read(segment, offset, config.shipBatchValues(), 24L * config.shipBatchValues());
            if (!chunk.payloads().isEmpty()) {
                List<ObservedValue> values = new ArrayList<>(chunk.payloads().size());
                for (byte[] payload : chunk.payloads()) {
                    try {
                        if (ObservationBlock.isBlock(payload)) {
                            ObservationBlock.decode(payload, values::add);
                        } else {
                            values.add(SpoolRecordCodec.decode(payload));
                        }
                    } catch (CorruptRecordException e) {
                        LOG.warnf(
                                "feature log: skipping an undecodable record in %s: %s",
                                segment.getFileName(), e.getMessage());
                    }
                }
                try {
                    store.append(values);
                } catch (RuntimeException e) {
                    throw new StoreFailure(e);
                }
                shipped.addAndGet(values.size());
                try {
                    onShipped.accept(values);
                } catch (RuntimeException e) {
                    LOG.warnf("feature log: a listener of shipped values failed: %s", e.toString());
                }
                lastShippedAt = Optional.of(Instant.now());
                lastError = Optional.empty();
                offset = chunk.nextOffset();
                writeOffset(offsetFile, offset);
            }
            if (chunk.endOfSegment()) {
                if (chunk.damaged()) {
                    damaged.incrementAndGet();
                    LOG.warnf(
                            "feature log: %s ends in %d bytes that do not form a complete record (a write torn by a crash); "
                                    + "everything before them was shipped",
                            segment.getFileName(), Files.size(segment) - chunk.nextOffset());
                }
                long size = Files.size(segment);
                Files.deleteIfExists(segment);
                Files.deleteIfExists(offsetFile);
                spool.released(size);
                return;
            }
        }
    }

    private static long readOffset(Path offsetFile) throws IOException {
        if (!Files.exists(offsetFile)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(offsetFile);
        return bytes.length == 8 ? ByteBuffer.wrap(bytes).getLong() : 0;
    }

    private static void writeOffset(Path offsetFile, long offset) throws IOException {
        Path tmp = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
        Files.write(tmp, ByteBuffer.allocate(8).putLong(offset).array());
        Files.move(tmp, offsetFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void logFailure(Throwable e) {
        long now = System.currentTimeMillis();
        if (now - lastErrorLogMillis > 10_000) {
            lastErrorLogMillis = now;
            LOG.warnf(
                    "feature log: the offline store is not accepting values (%s); they stay spooled in %s and are retried",
                    e.toString(), spool.directory());
        }
    }

    private void pause(long millis) {
        synchronized (wakeUp) {
            if (stopping) {
                return;
            }
            try {
                wakeUp.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Makes one last attempt to ship what is sealed, then stops. Call after closing the spool. */
    @Override
    public void close() {
        synchronized (wakeUp) {
            stopping = true;
            wakeUp.notifyAll();
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class StoreFailure extends RuntimeException {
        StoreFailure(RuntimeException cause) {
            super(cause);
        }
    }
}
