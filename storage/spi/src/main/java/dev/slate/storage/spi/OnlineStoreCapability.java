package dev.slate.storage.spi;

/** Optional behaviour an online store declares; contract tests are switched by these. */
public enum OnlineStoreCapability {
    /** Values expire after their write's retention. */
    RETENTION,
    /** Backdated writes never overwrite newer values (compare on observed time, atomically). */
    NEWER_WINS
}
