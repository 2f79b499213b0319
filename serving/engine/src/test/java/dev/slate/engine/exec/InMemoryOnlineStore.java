package dev.slate.engine.exec;

import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineStoreCapability;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A hand-written in-memory online store for executor tests; can be switched to fail. */
final class InMemoryOnlineStore implements OnlineStore {

    final Map<String, StoredValue> data = new ConcurrentHashMap<>();
    final AtomicInteger readCalls = new AtomicInteger();
    final List<OnlineWrite> writes = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile boolean down;

    private static String key(EntityRef e, FeatureSlot s) {
        return e.namespace() + "|" + e.entity() + "|" + e.key() + "|" + s.feature() + "@" + s.version();
    }

    void put(EntityRef e, FeatureSlot s, StoredValue v) {
        data.put(key(e, s), v);
    }

    @Override
    public Set<OnlineStoreCapability> capabilities() {
        return Set.of(OnlineStoreCapability.SINGLE_ROUND_TRIP_READ);
    }

    @Override
    public CompletionStage<List<List<StoredValue>>> read(List<OnlineRead> reads) {
        readCalls.incrementAndGet();
        if (down) {
            return CompletableFuture.failedFuture(new IllegalStateException("store down"));
        }
        List<List<StoredValue>> out = new ArrayList<>();
        for (OnlineRead r : reads) {
            List<StoredValue> row = new ArrayList<>();
            for (FeatureSlot s : r.slots()) {
                row.add(data.get(key(r.entity(), s)));
            }
            out.add(row);
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> write(List<OnlineWrite> ws) {
        if (down) {
            return CompletableFuture.failedFuture(new IllegalStateException("store down"));
        }
        for (OnlineWrite w : ws) {
            writes.add(w);
            data.put(key(w.entity(), w.slot()), new StoredValue(w.value(), w.observedAt()));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> dropNamespace(String namespace) {
        data.keySet().removeIf(k -> k.startsWith(namespace + "|"));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> ping() {
        return down ? CompletableFuture.failedFuture(new IllegalStateException("down")) : CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
    }
}
