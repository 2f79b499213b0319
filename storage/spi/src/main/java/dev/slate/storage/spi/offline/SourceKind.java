package dev.slate.storage.spi.offline;

/** How a value came to Slate. */
public enum SourceKind {
    /** Computed by a resolver or expression while serving a query (the feature log). */
    COMPUTED,
    /** Given to Slate from outside: {@code /v1/ingest}, an upload, reverse ETL. */
    INGESTED
}
