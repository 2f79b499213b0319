package dev.slate.storage.spi.offline;

/** Optional behaviour an offline store declares; contract tests are switched by these. */
public enum OfflineStoreCapability {
    /** Appended values survive closing the store; a new store over the same storage reads them. */
    DURABLE
}
