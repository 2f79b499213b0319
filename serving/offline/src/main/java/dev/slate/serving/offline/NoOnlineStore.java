package dev.slate.serving.offline;

import dev.slate.storage.spi.OnlineRead;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineStoreCapability;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.StoredValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The online store of a recomputation: it holds nothing and keeps nothing. Every read answers "no value"
 * (so the executor runs every step a recomputed feature needs) and every write is dropped (so a
 * recomputation at a past time never reaches Redis, where it could replace a newer value).
 */
final class NoOnlineStore implements OnlineStore {

    static final NoOnlineStore INSTANCE = new NoOnlineStore();

    private NoOnlineStore() {}

    @Override
    public Set<OnlineStoreCapability> capabilities() {
        return EnumSet.noneOf(OnlineStoreCapability.class);
    }

    @Override
    public CompletionStage<List<List<StoredValue>>> read(List<OnlineRead> reads) {
        List<List<StoredValue>> out = new ArrayList<>(reads.size());
        for (OnlineRead read : reads) {
            out.add(Collections.nCopies(read.slots().size(), null));
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> write(List<OnlineWrite> writes) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> dropNamespace(String namespace) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> ping() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
