package dev.slate.serving.featurelog;

/** A spool record that cannot be decoded: a torn write at the end of a segment, or damage. */
final class CorruptRecordException extends RuntimeException {
    CorruptRecordException(String message) {
        super(message);
    }
}
