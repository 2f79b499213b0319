package dev.slate.serving.featurelog;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Off-heap memory for encoded records waiting for the spool's writer thread (docs/specs/feature-log.md): buffers of
 * {@link #BUFFER_BYTES} are allocated once and reused; a larger record gets a buffer of its own, freed with it. The
 * memory in use never exceeds the budget; {@link #take} answers null when it would, and the caller drops the record
 * (and counts it).
 */
final class OffHeapRecords {

    static final int BUFFER_BYTES = 64 * 1024;

    private final long budgetBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();

    OffHeapRecords(long budgetBytes) {
        if (budgetBytes < BUFFER_BYTES) {
            throw new IllegalArgumentException(
                    "the off-heap budget must be at least " + BUFFER_BYTES + " bytes, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** A cleared buffer holding a copy of {@code bytes[0, length)}, flipped for reading; null when the budget is used up. */
    ByteBuffer copyOf(byte[] bytes, int length) {
        int capacity = Math.max(length, BUFFER_BYTES);
        ByteBuffer buf = capacity == BUFFER_BYTES ? free.poll() : null;
        if (buf == null) {
            if (usedBytes.addAndGet(capacity) > budgetBytes) {
                usedBytes.addAndGet(-capacity);
                return null;
            }
            buf = ByteBuffer.allocateDirect(capacity);
        }
        buf.clear();
        buf.put(bytes, 0, length).flip();
        return buf;
    }

    /** Gives a buffer back once its record is written. */
    void release(ByteBuffer buf) {
        if (buf.capacity() == BUFFER_BYTES) {
            free.add(buf);
        } else {
            usedBytes.addAndGet(-buf.capacity()); // a one-off: the garbage collector frees it
        }
    }

    /** Off-heap bytes allocated for records (in use or pooled for reuse). */
    long allocatedBytes() {
        return usedBytes.get();
    }
}
