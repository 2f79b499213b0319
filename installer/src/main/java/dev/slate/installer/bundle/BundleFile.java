package dev.slate.installer.bundle;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * One file of an offline bundle as its manifest lists it.
 *
 * @param path the file's path inside the bundle's root directory, with {@code /} separators (never absolute, no
 *     {@code .} or {@code ..} segments)
 * @param sha256 the SHA-256 of its bytes, 64 lower-case hex digits
 * @param size its length in bytes
 */
public record BundleFile(String path, String sha256, long size) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public BundleFile {
        requireNonNull(path, "path is null");
        requireNonNull(sha256, "sha256 is null");
        BundlePaths.requireRelative(path);
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 of " + path + " is not 64 lower-case hex digits: " + sha256);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size of " + path + " is negative: " + size);
        }
    }
}
