package dev.slate.installer.install;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How {@code slate install --from-bundle FILE} gets at a bundle's files: unpacked into
 * {@code PREFIX/var/bundle/}, then read as an {@link InstallSource.UnpackedBundle}.
 *
 * <p><b>Seam:</b> the signature and checksum verification belongs to
 * {@code dev.slate.installer.bundle.BundleVerifier} ({@code slate bundle verify}), which is built separately.
 * Until it is wired in here, this build unpacks a bundle only with {@code --unverified}, and says so.
 */
public interface BundleIntake {
    /** Unpacks {@code bundle} for an install into {@code layout}; refuses a bundle it cannot trust. */
    InstallSource unpack(Path bundle, InstallLayout layout, Consumer<String> out);

    String VERIFIER_CLASS = "dev.slate.installer.bundle.BundleVerifier";

    /** The intake of this build (see the class comment). */
    static BundleIntake forThisBuild(boolean unverifiedAllowed) {
        boolean verifierPresent;
        try {
            Class.forName(VERIFIER_CLASS, false, BundleIntake.class.getClassLoader());
            verifierPresent = true;
        } catch (ClassNotFoundException e) {
            verifierPresent = false;
        }
        if (verifierPresent) {
            return (bundle, layout, out) -> {
                throw new InstallException("this build has " + VERIFIER_CLASS + " but slate install does not call it yet (seam: "
                        + BundleIntake.class.getName() + "); check the bundle with `slate bundle verify " + bundle + "` and install with --unverified");
            };
        }
        if (!unverifiedAllowed) {
            return (bundle, layout, out) -> {
                throw new InstallException("this build cannot verify a bundle's signature (no " + VERIFIER_CLASS
                        + "); pass --unverified to install it anyway");
            };
        }
        return BundleIntake::unpackUnverified;
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
            Process tar = new ProcessBuilder("tar", "-xf", bundle.toString(), "-C", staging.toString(), "--no-same-owner")
                    .redirectErrorStream(true).start();
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
        return new InstallSource.UnpackedBundle(bundle, root(target));
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
