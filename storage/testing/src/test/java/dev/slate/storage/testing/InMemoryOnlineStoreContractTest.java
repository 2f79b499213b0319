package dev.slate.storage.testing;

import dev.slate.storage.spi.OnlineStore;

/** The reference online store passes the contract every online store passes. */
class InMemoryOnlineStoreContractTest extends OnlineStoreContract {

    @Override
    protected OnlineStore createStore() {
        return new InMemoryOnlineStore();
    }
}
