package dev.slate.installer.install;

import dev.slate.installer.bundle.BundleManifest;
import dev.slate.installer.bundle.BundleRejectedException;
import dev.slate.installer.bundle.BundleVerifier;
import dev.slate.installer.bundle.PinnedPublicKey;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How {@code slate install --from-bundle FILE} gets at a bundle's files: verified (the Ed25519 signature of
 * its manifest with the pinned public key, then every file's size and SHA-256, by {@link BundleVerifier})
 * while it is unpacked into {@code PREFIX/var/bundle/}, then read as an {@link InstallSource.UnpackedBundle}.
 * A refused bundle leaves nothing behind and the install changes nothing. {@code --unverified} skips the
 * check (a bundle from a build without a signing key), with a warning.
 */
public interface BundleIntake {
    /** Unpacks {@code bundle} for an install into {@code layout}; refuses a bundle it cannot trust. */
    InstallSource unpack(Path bundle, InstallLayout layout, Consumer<String> out);

    /**
     * @param publicKey {@code --public-key}, else {@code $SLATE_BUNDLE_PUBLIC_KEY} ({@code environmentKey}), else the key
     *     built into this CLI
     */
    static BundleIntake of(boolean unverified, Optional<String> publicKey, Optional<String> environmentKey) {
        if (unverified) {
            return BundleIntake::unpackUnverified;
        }
        return (bundle, layout, out) -> {
            PinnedPublicKey.Chosen key;
            try {
                key = PinnedPublicKey.choose(publicKey, environmentKey);
            } catch (IllegalArgumentException e) {
                throw new InstallException(e.getMessage() + " (or --unverified to install without checking)", e);
            }
            Path target = layout.var().resolve("bundle");
            try {
                StandaloneInstaller.deleteTree(target);
                Files.createDirectories(layout.var());
                var verified = new BundleVerifier(key.key()).verifyAndExtract(bundle, Optional.empty(), target);
                out.accept("Bundle " + bundle.getFileName() + " verified ("
                        + verified.manifest().files().size() + " files, signer " + verified.signerFingerprint()
                        + ", key from " + key.source() + ")");
                return new InstallSource.UnpackedBundle(
                        bundle,
                        target, // the verifier extracts what is below slate-bundle-VERSION/
                        InstallVersion.of(verified.manifest().version()));
            } catch (BundleRejectedException e) {
                throw new InstallException("bundle " + bundle.getFileName() + " refused: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new InstallException("cannot read the bundle " + bundle + ": " + e.getMessage(), e);
            }
        };
    }

    private static InstallSource unpackUnverified(Path bundle, InstallLayout layout, Consumer<String> out) {
        if (!Files.isRegularFile(bundle)) {
            throw new InstallException("no bundle at " + bundle);
        }
        out.accept("WARNING: the bundle's signature is NOT verified (--unverified)");
        Path target = layout.var().resolve("bundle");
        try {
            Path staging = target.resolveSibling("bundle.partial");
            StandaloneInstaller.deleteTree(staging);
            Files.createDirectories(staging);
            Process tar = new ProcessBuilder(
                            "tar", "-xf", bundle.toString(), "-C", staging.toString(), "--no-same-owner")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(tar.getInputStream().readAllBytes());
            if (!tar.waitFor(600, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                StandaloneInstaller.deleteTree(staging);
                throw new InstallException("cannot unpack " + bundle + ": " + output.strip());
            }
            StandaloneInstaller.deleteTree(target);
            Files.move(staging, target);
        } catch (IOException e) {
            throw new InstallException("cannot unpack " + bundle + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallException("interrupted while unpacking " + bundle, e);
        }
        Path root = root(target);
        return new InstallSource.UnpackedBundle(bundle, root, unverifiedVersion(root));
    }

    /** An unverified bundle's version: its manifest's when it has one, else the {@code slate-bundle-VERSION} directory's. */
    private static InstallVersion unverifiedVersion(Path root) {
        Path manifest = root.resolve("manifest.json");
        try {
            if (Files.isRegularFile(manifest)) {
                return InstallVersion.of(
                        BundleManifest.parse(Files.readAllBytes(manifest)).version());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new InstallException("cannot read the bundle's " + manifest + ": " + e.getMessage(), e);
        }
        String name = root.getFileName().toString();
        if (name.startsWith("slate-bundle-")) {
            return InstallVersion.of(name.substring("slate-bundle-".length()));
        }
        throw new InstallException("the bundle names no version (no manifest.json, no slate-bundle-VERSION directory)");
    }

    /** The bundle's top directory when it has exactly one, else the unpack directory itself. */
    private static Path root(Path unpacked) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(unpacked)) {
            children.forEach(entries::add);
        } catch (IOException e) {
            throw new InstallException("cannot read " + unpacked + ": " + e.getMessage(), e);
        }
        return entries.size() == 1 && Files.isDirectory(entries.getFirst()) ? entries.getFirst() : unpacked;
    }
}
