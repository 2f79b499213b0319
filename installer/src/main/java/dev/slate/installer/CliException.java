package dev.slate.installer;

/** A failure the CLI reports as one line on stderr with exit code 1 (no stack trace). */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message, null, false, false);
    }
}
