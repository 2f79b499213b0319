package dev.slate.storage.testing;

import dev.slate.storage.spi.offline.OfflineStore;

/** The reference store passes the same contract (checks the contract itself, without PostgreSQL or files). */
class InMemoryOfflineStoreContractTest extends OfflineStoreContract {

    private final InMemoryOfflineStore shared = new InMemoryOfflineStore();

    @Override
    protected OfflineStore createStore() {
        return shared;
    }
}
