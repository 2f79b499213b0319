package dev.slate.storage.testing;

import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineStoreCapability;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference online store: everything in one map, newer observations win, retentions expire. It passes
 * {@link OnlineStoreContract} (see {@code InMemoryOnlineStoreContractTest}), so tests of code above the SPI can
 * use it instead of a hand-written fake. Tests can look at what was called ({@link #readCalls()},
 * {@link #writes()}) and make it fail ({@link #setAvailable}, {@link #failWritesTo}).
 */
public final class InMemoryOnlineStore implements OnlineStore {

    private record Key(EntityRef entity, String feature, String version) {}

    private record Entry(StoredValue value, long expiresAtNanos) {
        boolean expired(long now) {
            return expiresAtNanos != Long.MAX_VALUE && now - expiresAtNanos >= 0;
        }
    }

    private final Map<Key, Entry> data = new HashMap<>();
    private final List<OnlineWrite> writes = new ArrayList<>();
    private final AtomicInteger readCalls = new AtomicInteger();
    private final AtomicInteger writeCalls = new AtomicInteger();
    private volatile boolean available = true;
    private volatile String failingNamespace;

    @Override
    public Set<OnlineStoreCapability> capabilities() {
        return Set.of(OnlineStoreCapability.NEWER_WINS, OnlineStoreCapability.RETENTION);
    }

    @Override
    public CompletionStage<List<List<StoredValue>>> read(List<OnlineRead> reads) {
        readCalls.incrementAndGet();
        if (!available) {
            return CompletableFuture.failedFuture(new IllegalStateException("online store unavailable"));
        }
        long now = System.nanoTime();
        List<List<StoredValue>> out = new ArrayList<>(reads.size());
        synchronized (data) {
            for (OnlineRead r : reads) {
                List<StoredValue> row = new ArrayList<>(r.slots().size());
                for (FeatureSlot s : r.slots()) {
                    Entry e = data.get(key(r.entity(), s));
                    row.add(e == null || e.expired(now) ? null : e.value());
                }
                out.add(row);
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> write(List<OnlineWrite> ws) {
        writeCalls.incrementAndGet();
        String failing = failingNamespace;
        if (!available
                || (failing != null
                        && ws.stream().anyMatch(w -> w.entity().namespace().equals(failing)))) {
            return CompletableFuture.failedFuture(new IllegalStateException("online store unavailable"));
        }
        long now = System.nanoTime();
        synchronized (data) {
            for (OnlineWrite w : ws) {
                writes.add(w);
                Key k = key(w.entity(), w.slot());
                Entry old = data.get(k);
                Instant at = w.observedAt().truncatedTo(ChronoUnit.MICROS);
                if (old != null && !old.expired(now) && old.value().observedAt().isAfter(at)) {
                    continue; // a backdated write never overwrites a newer value
                }
                long expires = w.retention().map(d -> now + d.toNanos()).orElse(Long.MAX_VALUE);
                data.put(k, new Entry(new StoredValue(micros(w.value()), at), expires));
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> dropNamespace(String namespace) {
        synchronized (data) {
            data.keySet().removeIf(k -> k.entity().namespace().equals(namespace));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> ping() {
        return available
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("online store unavailable"));
    }

    @Override
    public void close() {}

    /** Stores a value as if written, without counting as a write. */
    public void put(EntityRef entity, FeatureSlot slot, StoredValue value) {
        synchronized (data) {
            data.put(key(entity, slot), new Entry(value, Long.MAX_VALUE));
        }
    }

    /** How many write calls were made, failed ones included. */
    public int writeCalls() {
        return writeCalls.get();
    }

    /** How many read calls were made. */
    public int readCalls() {
        return readCalls.get();
    }

    /** Every write received so far, in order (including those a newer value kept out). */
    public List<OnlineWrite> writes() {
        synchronized (data) {
            return List.copyOf(writes);
        }
    }

    /** When false, every call fails as an unreachable store would. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    /** Makes every write call that touches {@code namespace} fail (null: none). */
    public void failWritesTo(String namespace) {
        this.failingNamespace = namespace;
    }

    private static Key key(EntityRef entity, FeatureSlot slot) {
        return new Key(entity, slot.feature(), slot.version());
    }

    private static Object micros(Object value) {
        return switch (value) {
            case Instant i -> i.truncatedTo(ChronoUnit.MICROS);
            case List<?> l -> l.stream().map(InMemoryOnlineStore::micros).toList();
            case null, default -> value;
        };
    }
}
