package dev.slate.serving.featurelog;

import static java.util.Objects.requireNonNull;

import dev.slate.storage.spi.offline.ObservedValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The writing half of the feature log. {@link #offer} never blocks and never fails a query: it hands
 * the values to one writer thread through a bounded queue, or drops and counts them when the queue or
 * the disk budget is full. The writer encodes values into the open segment as soon as they arrive, so
 * a killed process (kill -9) loses only what was still in the queue; written records are forced to the
 * device every {@link FeatureLogConfig#syncInterval()}. Segments are sealed by size or age; sealed
 * segments are what {@link FeatureLogShipper} sends to the offline store. After a restart every segment
 * left on disk is sealed and a new one is opened, so nothing written before a crash is lost.
 */
public final class FeatureLogSpool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FeatureLogSpool.class);
    private static final LogBatch STOP = LogBatch.of(List.of());

    /** A block record (ObservationBlock) in off-heap memory, and how many values it holds. */
    private record Encoded(ByteBuffer record, int values) {}

    private final FeatureLogConfig config;
    /** LogBatch (values built on the writer thread) or Encoded (records encoded on the request thread). */
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    private final OffHeapRecords offHeap;
    private final ThreadLocal<ObservationBlock.Encoder> encoders =
            ThreadLocal.withInitial(() -> new ObservationBlock.Encoder(this::sealed));
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final Thread writer;
    private volatile long openSequence;
    private volatile boolean closed;
    private SpoolSegment.Writer segment;
    private long lastSyncNanos = System.nanoTime();
    private long lastErrorLogMillis;

    public FeatureLogSpool(FeatureLogConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.offHeap = new OffHeapRecords(config.offHeapBytes());
        try {
            Files.createDirectories(config.directory());
            long last = -1;
            long bytes = 0;
            for (Path p : SpoolSegment.list(config.directory())) {
                last = Math.max(last, SpoolSegment.sequenceOf(p));
                bytes += Files.size(p);
            }
            pendingBytes.set(bytes);
            this.segment = new SpoolSegment.Writer(config.directory(), last + 1);
            this.openSequence = segment.sequence();
            pendingBytes.addAndGet(segment.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the feature log spool in " + config.directory(), e);
        }
        this.writer = Thread.ofPlatform()
                .name("slate-feature-log-writer")
                .daemon(true)
                .unstarted(this::run);
        writer.start();
    }

    /**
     * Takes values for the offline store. Returns false (and counts them as dropped) when the spool is
     * closed, the memory queue is full or the disk budget is used up; never blocks.
     */
    public boolean offer(List<ObservedValue> values) {
        return offer(LogBatch.of(values));
    }

    /** As {@link #offer(List)}, for a lazy batch whose values are built on the writer thread. */
    public boolean offer(LogBatch values) {
        int n = values.size();
        if (n == 0) {
            return true;
        }
        if (closed || queued.get() + n > config.queueCapacity() || pendingBytes.get() >= config.maxSpoolBytes()) {
            dropped.addAndGet(n);
            return false;
        }
        queued.addAndGet(n);
        accepted.addAndGet(n);
        queue.add(values);
        return true;
    }

    /**
     * Encodes one query's values on the calling thread into compact records in off-heap memory
     * (docs/specs/feature-log.md), so that nothing of the query stays on the heap once it has answered. Returns false
     * (and counts them as dropped) for values that could not be queued; never blocks.
     */
    public boolean offer(String namespace, String deploymentId, String queryId, Consumer<FeatureLog.Block> values) {
        ObservationBlock.Encoder encoder = encoders.get();
        encoder.start(namespace, deploymentId, queryId);
        values.accept(encoder);
        encoder.finish();
        return !encoder.anyDropped();
    }

    /** Takes one sealed record of a block: copies it off-heap and queues it, or drops it. */
    private void sealed(ObservationBlock.Encoder encoder) {
        int n = encoder.recordValues();
        if (closed || queued.get() + n > config.queueCapacity() || pendingBytes.get() >= config.maxSpoolBytes()) {
            dropped.addAndGet(n);
            encoder.markDropped();
            return;
        }
        ByteBuffer copy = offHeap.copyOf(encoder.record(), encoder.recordSize());
        if (copy == null) {
            dropped.addAndGet(n);
            encoder.markDropped();
            return;
        }
        queued.addAndGet(n);
        accepted.addAndGet(n);
        queue.add(new Encoded(copy, n));
    }

    /** Off-heap bytes the spool holds for records waiting for the writer thread (and for reuse). */
    long offHeapBytes() {
        return offHeap.allocatedBytes();
    }

    /** The sequence of the segment being written; segments below it are sealed. */
    long openSequence() {
        return openSequence;
    }

    Path directory() {
        return config.directory();
    }

    /** Called by the shipper when it deleted a fully shipped segment. */
    void released(long bytes) {
        pendingBytes.addAndGet(-bytes);
    }

    long accepted() {
        return accepted.get();
    }

    long dropped() {
        return dropped.get();
    }

    long queued() {
        return queued.get();
    }

    long spooled() {
        return spooled.get();
    }

    long pendingBytes() {
        return pendingBytes.get();
    }

    private void run() {
        BackgroundPriority.lowerCurrentThread();
        long pollNanos =
                Math.min(config.syncInterval().toNanos(), config.segmentMaxAge().toNanos());
        List<Object> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                Object first = queue.poll(pollNanos, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, 1024);
                }
                stopping = batch.removeIf(b -> b == STOP);
                write(batch);
                batch.clear();
                maintain(stopping);
            } catch (InterruptedException e) {
                stopping = true;
            } catch (IOException | RuntimeException e) {
                logWriteFailure(e);
                batch.clear();
                sleepQuietly(100);
            }
        }
    }

    private void write(List<Object> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        List<ByteBuffer> payloads = new ArrayList<>();
        List<ByteBuffer> offHeapRecords = new ArrayList<>();
        long taken = 0;
        long records = 0;
        for (Object item : batch) {
            switch (item) {
                case Encoded e -> {
                    taken += e.values();
                    records += e.values();
                    payloads.add(e.record());
                    offHeapRecords.add(e.record());
                }
                case LogBatch values -> {
                    taken += values.size();
                    try {
                        List<ByteBuffer> encoded = new ArrayList<>(values.size());
                        values.forEach(v -> encoded.add(ByteBuffer.wrap(SpoolRecordCodec.encode(v))));
                        payloads.addAll(encoded);
                        records += encoded.size();
                    } catch (RuntimeException ex) {
                        LOG.warnf("feature log: a batch could not be encoded and is dropped: %s", ex.toString());
                    }
                }
                default ->
                    throw new IllegalStateException(
                            "unexpected queue item " + item.getClass().getName());
            }
        }
        queued.addAndGet(-taken);
        dropped.addAndGet(taken - records);
        long before = segment.size();
        try {
            segment.appendBuffers(payloads);
        } catch (IOException e) {
            dropped.addAndGet(records);
            throw e;
        } finally {
            offHeapRecords.forEach(offHeap::release);
        }
        spooled.addAndGet(records);
        pendingBytes.addAndGet(segment.size() - before);
    }

    private void maintain(boolean stopping) throws IOException {
        long now = System.nanoTime();
        boolean seal = segment.records() > 0
                && (stopping
                        || segment.size() >= config.segmentBytes()
                        || segment.ageNanos() >= config.segmentMaxAge().toNanos());
        if (seal) {
            segment.close();
            if (!stopping) {
                segment = new SpoolSegment.Writer(config.directory(), segment.sequence() + 1);
                pendingBytes.addAndGet(segment.size());
                openSequence = segment.sequence();
            } else {
                openSequence = segment.sequence() + 1;
            }
            lastSyncNanos = now;
        } else if (stopping) {
            segment.close();
            Files.deleteIfExists(segment.path());
            pendingBytes.addAndGet(-SpoolSegment.HEADER);
            openSequence = segment.sequence() + 1;
        } else if (now - lastSyncNanos >= config.syncInterval().toNanos()) {
            segment.force();
            lastSyncNanos = now;
        }
    }

    private void logWriteFailure(Exception e) {
        long now = System.currentTimeMillis();
        if (now - lastErrorLogMillis > 10_000) {
            lastErrorLogMillis = now;
            LOG.errorf(
                    "feature log: writing to %s failed, values are being dropped: %s",
                    config.directory(), e.toString());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued, seals the open segment and stops the writer thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
