package dev.slate.storage.spi.offline;

/** An export stopped because its {@link ExportControl} was cancelled; it left no output behind. */
public final class ExportCancelledException extends RuntimeException {
    public ExportCancelledException(String message) {
        super(message, null, false, false);
    }
}
