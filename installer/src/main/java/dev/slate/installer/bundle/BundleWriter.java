package dev.slate.installer.bundle;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Packs a bundle directory into the signed tar that {@link BundleVerifier} checks: the directory
 * {@code slate-bundle-VERSION/} holding {@code manifest.json} and {@code manifest.json.sig} first, then every
 * file in path order. Entries are owned by 0:0, dated at the build time, mode 0755 for directories and executable
 * files and 0644 for the rest, so the same inputs give the same tar.
 */
public final class BundleWriter {
    private BundleWriter() {}

    /**
     * @param directory the bundle's content (regular files and directories only; a manifest or signature there is
     *     ignored and written anew)
     * @param out the tar to write; written beside it first and moved into place when complete
     * @return the manifest that was signed
     * @throws IOException when the directory holds a link or something else than files and directories
     */
    public static BundleManifest pack(
            Path directory, String version, String gitCommit, Instant buildTime, PrivateKey signingKey, Path out)
            throws IOException {
        requireNonNull(signingKey, "signingKey is null");
        List<Path> files = files(directory);
        List<BundleFile> listed = new ArrayList<>();
        for (Path file : files) {
            listed.add(describe(directory, file));
        }
        BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT, version, gitCommit, buildTime, listed);
        byte[] manifestBytes = manifest.toJson();
        byte[] signature = sign(manifestBytes, signingKey);

        String root = BundlePaths.rootDirectory(version);
        Date mtime = Date.from(buildTime);
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(stream)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            directoryEntry(tar, root, mtime);
            bytesEntry(tar, root + "/" + BundlePaths.MANIFEST, manifestBytes, mtime);
            bytesEntry(tar, root + "/" + BundlePaths.SIGNATURE, signature, mtime);
            Set<String> directories = new TreeSet<>();
            for (BundleFile file : manifest.files()) {
                String[] segments = file.path().split("/");
                StringBuilder parent = new StringBuilder();
                for (int i = 0; i < segments.length - 1; i++) {
                    parent.append(i == 0 ? "" : "/").append(segments[i]);
                    if (directories.add(parent.toString())) {
                        directoryEntry(tar, root + "/" + parent, mtime);
                    }
                }
                Path source = directory.resolve(file.path());
                TarArchiveEntry entry = new TarArchiveEntry(root + "/" + file.path());
                entry.setSize(file.size());
                entry.setModTime(mtime);
                entry.setMode(Files.isExecutable(source) ? 0100755 : 0100644);
                owner(entry);
                tar.putArchiveEntry(entry);
                try (InputStream in = Files.newInputStream(source)) {
                    long copied = in.transferTo(tar);
                    if (copied != file.size()) {
                        throw new IOException(source + " changed while the bundle was packed");
                    }
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        try {
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return manifest;
    }

    static byte[] sign(byte[] manifest, PrivateKey key) {
        try {
            Signature signature = Signature.getInstance(BundleKeys.ALGORITHM);
            signature.initSign(key);
            signature.update(manifest);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key (an Ed25519 private key is needed)", e);
        }
    }

    private static List<Path> files(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(path)) {
                    throw new IOException("a bundle holds no links: " + path);
                }
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("a bundle holds only regular files and directories: " + path);
                }
                String relative = relative(directory, path);
                if (!relative.equals(BundlePaths.MANIFEST) && !relative.equals(BundlePaths.SIGNATURE)) {
                    files.add(path);
                }
            }
        }
        return files;
    }

    private static BundleFile describe(Path directory, Path file) throws IOException {
        MessageDigest sha256 = BundleVerifier.sha256();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha256.update(buffer, 0, n);
                size += n;
            }
        }
        return new BundleFile(relative(directory, file), HexFormat.of().formatHex(sha256.digest()), size);
    }

    private static String relative(Path directory, Path file) {
        return directory.relativize(file).toString().replace(File.separatorChar, '/');
    }

    private static void directoryEntry(TarArchiveOutputStream tar, String name, Date mtime) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name + "/");
        entry.setModTime(mtime);
        entry.setMode(040755);
        owner(entry);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void bytesEntry(TarArchiveOutputStream tar, String name, byte[] bytes, Date mtime)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        entry.setModTime(mtime);
        entry.setMode(0100644);
        owner(entry);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void owner(TarArchiveEntry entry) {
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("root");
        entry.setGroupName("root");
    }
}
