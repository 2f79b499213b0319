package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where a logged value came from: how it was obtained, and, when known, the query that computed it, the
 * resolver that produced it and the deployment that was active.
 */
public record Provenance(
        SourceKind source, Optional<String> queryId, Optional<String> resolver, Optional<String> deploymentId) {
    public Provenance {
        requireNonNull(source, "source is null");
        requireNonNull(queryId, "queryId is null");
        requireNonNull(resolver, "resolver is null");
        requireNonNull(deploymentId, "deploymentId is null");
    }

    /** A value computed while serving query {@code queryId} by {@code resolver} under {@code deploymentId}. */
    public static Provenance computed(String queryId, String resolver, String deploymentId) {
        return new Provenance(
                SourceKind.COMPUTED, Optional.of(queryId), Optional.of(resolver), Optional.of(deploymentId));
    }

    /** A value given to Slate from outside, with no query or resolver. */
    public static Provenance ingested() {
        return new Provenance(SourceKind.INGESTED, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
