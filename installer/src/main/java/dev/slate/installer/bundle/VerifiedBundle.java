package dev.slate.installer.bundle;

import static java.util.Objects.requireNonNull;

/**
 * A bundle whose signature, files and layout all checked out.
 *
 * @param manifest its (signed) manifest
 * @param rootDirectory the directory its entries sit in ({@code slate-bundle-VERSION})
 * @param signerFingerprint the fingerprint of the public key its signature verified with
 */
public record VerifiedBundle(BundleManifest manifest, String rootDirectory, String signerFingerprint) {
    public VerifiedBundle {
        requireNonNull(manifest, "manifest is null");
        requireNonNull(rootDirectory, "rootDirectory is null");
        requireNonNull(signerFingerprint, "signerFingerprint is null");
    }

    public long totalBytes() {
        return manifest.files().stream().mapToLong(BundleFile::size).sum();
    }
}
