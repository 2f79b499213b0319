package dev.slate.serving.bench;

/** A request that completed but does not count as a success (non-200, errors in the body, missing values). */
final class BenchFailure extends RuntimeException {

    BenchFailure(String message) {
        super(message, null, false, false);
    }
}
