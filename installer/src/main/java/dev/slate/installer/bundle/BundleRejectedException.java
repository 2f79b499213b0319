package dev.slate.installer.bundle;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A bundle that must not be installed: why, and the file that failed where one did. */
public final class BundleRejectedException extends Exception {
    /** What was wrong with the bundle. */
    public enum Reason {
        /** The file is not a tar, or a tar entry is malformed, or the bundle's layout is not the expected one. */
        MALFORMED,
        /** The tar ends in the middle of an entry. */
        TRUNCATED,
        /** No manifest.json or no manifest.json.sig. */
        NO_MANIFEST,
        /** The manifest's signature does not verify with the pinned public key. */
        BAD_SIGNATURE,
        /** The manifest's version is not the expected one. */
        WRONG_VERSION,
        /** A file's size differs from the manifest. */
        SIZE_MISMATCH,
        /** A file's SHA-256 differs from the manifest. */
        DIGEST_MISMATCH,
        /** A file the manifest lists is not in the bundle. */
        MISSING_FILE,
        /** A file (or link, device, …) the manifest does not list is in the bundle, or one is there twice. */
        UNEXPECTED_ENTRY
    }

    private final Reason reason;
    private final String path;

    public BundleRejectedException(Reason reason, Optional<String> path, String detail, Throwable cause) {
        super(message(reason, path, detail), cause);
        this.reason = requireNonNull(reason, "reason is null");
        this.path = path.orElse(null);
    }

    public BundleRejectedException(Reason reason, Optional<String> path, String detail) {
        this(reason, path, detail, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The file that failed (its path in the tar), when the failure is about one file. */
    public Optional<String> path() {
        return Optional.ofNullable(path);
    }

    private static String message(Reason reason, Optional<String> path, String detail) {
        return path.map(p -> p + ": ").orElse("") + requireNonNull(detail, "detail is null") + " ["
                + requireNonNull(reason, "reason is null") + "]";
    }
}
