package dev.slate.installer.cluster;

/**
 * A rendered manifest that is not a valid Kubernetes object: the document number (1-based), the chart
 * template it came from (Helm's {@code # Source:} comment, when present) and the reason.
 */
public final class ManifestException extends RuntimeException {
    private final int document;
    private final String source;

    ManifestException(int document, String source, String reason, Throwable cause) {
        super("document " + document + (source.isEmpty() ? "" : " (" + source + ")") + ": " + reason, cause);
        this.document = document;
        this.source = source;
    }

    /** 1-based position of the document in the rendered stream. */
    public int document() {
        return document;
    }

    /** The template that produced it, e.g. {@code slate/templates/redis.yaml}; empty when unknown. */
    public String source() {
        return source;
    }
}
