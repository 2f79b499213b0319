package dev.slate.installer.bundle;

import static java.util.Objects.requireNonNull;

import dev.slate.installer.bundle.BundleRejectedException.Reason;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Checks an offline bundle (a tar, docs/install.md "The offline bundle") in one streaming pass: the Ed25519
 * signature of {@code manifest.json} with the pinned public key, then every file's size and SHA-256 against the
 * manifest, and that no listed file is missing and nothing unlisted is there (no links, devices or duplicate
 * entries either). The build writes the manifest and its signature first, so a tampered file fails as soon as it
 * has been read; files before the manifest are checked once it arrives.
 *
 * <p>With an extraction directory the files are written there as they are read; the directory must not exist
 * and is deleted again when the bundle is refused, so nothing of a refused bundle is left behind.
 */
public final class BundleVerifier {
    static final int MAX_MANIFEST_BYTES = 16 << 20;
    static final int MAX_SIGNATURE_BYTES = 1024;
    private static final String ROOT_PREFIX = "slate-bundle-";

    private final PublicKey publicKey;

    public BundleVerifier(PublicKey publicKey) {
        this.publicKey = requireNonNull(publicKey, "publicKey is null");
    }

    /**
     * @param expectedVersion when present, a bundle of another version is refused
     * @throws BundleRejectedException naming the file that failed
     * @throws IOException when the bundle file cannot be read at all
     */
    public VerifiedBundle verify(Path bundle, Optional<String> expectedVersion)
            throws BundleRejectedException, IOException {
        try (InputStream in = Files.newInputStream(bundle)) {
            return verify(in, expectedVersion, Optional.empty());
        }
    }

    /** Verifies and extracts into {@code target} (which must not exist); on refusal {@code target} is removed. */
    public VerifiedBundle verifyAndExtract(Path bundle, Optional<String> expectedVersion, Path target)
            throws BundleRejectedException, IOException {
        if (Files.exists(target)) {
            throw new IOException("extraction directory already exists: " + target);
        }
        try (InputStream in = Files.newInputStream(bundle)) {
            return verify(in, expectedVersion, Optional.of(target));
        } catch (BundleRejectedException | IOException | RuntimeException e) {
            deleteTree(target);
            throw e;
        }
    }

    VerifiedBundle verify(InputStream raw, Optional<String> expectedVersion, Optional<Path> extractTo)
            throws BundleRejectedException, IOException {
        return new Pass(expectedVersion, extractTo).run(raw);
    }

    /** The state of one verification pass. */
    private final class Pass {
        private final Optional<String> expectedVersion;
        private final Optional<Path> extractTo;
        private final Map<String, BundleFile> seenBeforeManifest = new LinkedHashMap<>();
        private final Set<String> entries = new HashSet<>();
        private final Set<String> verified = new HashSet<>();
        private String root;
        private byte[] manifestBytes;
        private byte[] signatureBytes;
        private BundleManifest manifest;
        private Map<String, BundleFile> listed;

        Pass(Optional<String> expectedVersion, Optional<Path> extractTo) {
            this.expectedVersion = requireNonNull(expectedVersion, "expectedVersion is null");
            this.extractTo = requireNonNull(extractTo, "extractTo is null");
        }

        VerifiedBundle run(InputStream raw) throws BundleRejectedException, IOException {
            TailTrackingInputStream tracked = new TailTrackingInputStream(new BufferedInputStream(raw, 1 << 16));
            try (TarArchiveInputStream tar = new TarArchiveInputStream(tracked)) {
                TarArchiveEntry entry;
                while ((entry = nextEntry(tar)) != null) {
                    accept(tar, entry);
                }
            }
            if (!tracked.endedWithEndOfArchiveRecord()) {
                throw new BundleRejectedException(
                        Reason.TRUNCATED,
                        Optional.empty(),
                        "the tar ends after " + tracked.total()
                                + " bytes without its end-of-archive record (truncated?)");
            }
            if (root == null) {
                throw new BundleRejectedException(Reason.MALFORMED, Optional.empty(), "the tar is empty");
            }
            requireManifest();
            for (BundleFile early : seenBeforeManifest.values()) {
                check(early);
            }
            Set<String> missing = new TreeSet<>(listed.keySet());
            missing.removeAll(verified);
            if (!missing.isEmpty()) {
                String first = missing.iterator().next();
                throw new BundleRejectedException(
                        Reason.MISSING_FILE,
                        Optional.of(root + "/" + first),
                        "listed in the manifest but not in the bundle"
                                + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : ""));
            }
            return new VerifiedBundle(manifest, root, BundleKeys.fingerprint(publicKey));
        }

        private TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws BundleRejectedException {
            try {
                return tar.getNextEntry();
            } catch (EOFException e) {
                throw new BundleRejectedException(
                        Reason.TRUNCATED, Optional.empty(), "the tar ends in the middle of an entry header", e);
            } catch (IOException | IllegalArgumentException e) {
                throw new BundleRejectedException(
                        Reason.MALFORMED, Optional.empty(), "not a readable tar: " + e.getMessage(), e);
            }
        }

        private void accept(TarArchiveInputStream tar, TarArchiveEntry entry)
                throws BundleRejectedException, IOException {
            String name = entry.getName();
            String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            String relative = relative(trimmed);
            if (!entries.add(trimmed)) {
                throw new BundleRejectedException(
                        Reason.UNEXPECTED_ENTRY, Optional.of(name), "appears twice in the tar");
            }
            if (entry.isDirectory()) {
                if (relative != null) {
                    extractTo.ifPresent(target -> createDirectories(target.resolve(relative)));
                }
                return;
            }
            if (!entry.isFile() || entry.isLink() || entry.isSymbolicLink() || relative == null) {
                throw new BundleRejectedException(
                        Reason.UNEXPECTED_ENTRY,
                        Optional.of(name),
                        "is not a regular file inside " + root + "/ (links, devices and loose entries are refused)");
            }
            if (relative.equals(BundlePaths.MANIFEST) || relative.equals(BundlePaths.SIGNATURE)) {
                boolean isManifest = relative.equals(BundlePaths.MANIFEST);
                byte[] bytes = readSmall(tar, name, isManifest ? MAX_MANIFEST_BYTES : MAX_SIGNATURE_BYTES);
                if (isManifest) {
                    manifestBytes = bytes;
                } else {
                    signatureBytes = bytes;
                }
                write(relative, bytes);
                if (manifestBytes != null && signatureBytes != null) {
                    openManifest();
                }
                return;
            }
            BundleFile actual = digest(tar, name, relative);
            if (manifest == null) {
                seenBeforeManifest.put(relative, actual);
            } else {
                check(actual);
            }
        }

        /** The path below the root directory; null for the root directory itself. Fixes the root on the first entry. */
        private String relative(String name) throws BundleRejectedException {
            int slash = name.indexOf('/');
            String top = slash < 0 ? name : name.substring(0, slash);
            if (root == null) {
                if (!top.startsWith(ROOT_PREFIX)) {
                    throw new BundleRejectedException(
                            Reason.MALFORMED,
                            Optional.of(name),
                            "a bundle's entries sit in one directory slate-bundle-VERSION/");
                }
                root = top;
            } else if (!top.equals(root)) {
                throw new BundleRejectedException(
                        Reason.UNEXPECTED_ENTRY, Optional.of(name), "is outside the bundle's directory " + root + "/");
            }
            if (slash < 0) {
                return null;
            }
            String rest = name.substring(slash + 1);
            try {
                return BundlePaths.requireRelative(rest);
            } catch (IllegalArgumentException e) {
                throw new BundleRejectedException(
                        Reason.UNEXPECTED_ENTRY, Optional.of(name), "is not a plain path inside the bundle", e);
            }
        }

        private void openManifest() throws BundleRejectedException {
            String manifestPath = root + "/" + BundlePaths.MANIFEST;
            try {
                Signature signature = Signature.getInstance(BundleKeys.ALGORITHM);
                signature.initVerify(publicKey);
                signature.update(manifestBytes);
                if (!signature.verify(signatureBytes)) {
                    throw new BundleRejectedException(
                            Reason.BAD_SIGNATURE,
                            Optional.of(manifestPath),
                            "the signature in " + BundlePaths.SIGNATURE + " does not verify with the pinned public key "
                                    + BundleKeys.fingerprint(publicKey)
                                    + " (tampered manifest, or signed by another key)");
                }
            } catch (GeneralSecurityException e) {
                throw new BundleRejectedException(
                        Reason.BAD_SIGNATURE,
                        Optional.of(root + "/" + BundlePaths.SIGNATURE),
                        "not an Ed25519 signature: " + e.getMessage(),
                        e);
            }
            try {
                manifest = BundleManifest.parse(manifestBytes);
            } catch (IllegalArgumentException e) {
                throw new BundleRejectedException(Reason.MALFORMED, Optional.of(manifestPath), e.getMessage(), e);
            }
            if (!root.equals(BundlePaths.rootDirectory(manifest.version()))) {
                throw new BundleRejectedException(
                        Reason.MALFORMED,
                        Optional.of(manifestPath),
                        "the bundle's directory " + root + " does not match its manifest's version "
                                + manifest.version());
            }
            if (expectedVersion.isPresent() && !expectedVersion.get().equals(manifest.version())) {
                throw new BundleRejectedException(
                        Reason.WRONG_VERSION,
                        Optional.of(manifestPath),
                        "the bundle is version " + manifest.version() + ", expected " + expectedVersion.get());
            }
            listed = new HashMap<>();
            manifest.files().forEach(file -> listed.put(file.path(), file));
        }

        private void requireManifest() throws BundleRejectedException {
            if (manifestBytes == null || signatureBytes == null) {
                throw new BundleRejectedException(
                        Reason.NO_MANIFEST,
                        Optional.of(
                                root + "/" + (manifestBytes == null ? BundlePaths.MANIFEST : BundlePaths.SIGNATURE)),
                        "is not in the bundle");
            }
        }

        private void check(BundleFile actual) throws BundleRejectedException {
            Optional<String> path = Optional.of(root + "/" + actual.path());
            BundleFile expected = listed.get(actual.path());
            if (expected == null) {
                throw new BundleRejectedException(Reason.UNEXPECTED_ENTRY, path, "is not listed in the manifest");
            }
            if (expected.size() != actual.size()) {
                throw new BundleRejectedException(
                        Reason.SIZE_MISMATCH,
                        path,
                        "is " + actual.size() + " bytes, the manifest says " + expected.size());
            }
            if (!expected.sha256().equals(actual.sha256())) {
                throw new BundleRejectedException(
                        Reason.DIGEST_MISMATCH,
                        path,
                        "SHA-256 is " + actual.sha256() + ", the manifest says " + expected.sha256());
            }
            verified.add(actual.path());
        }

        private BundleFile digest(TarArchiveInputStream tar, String name, String relative)
                throws BundleRejectedException, IOException {
            MessageDigest sha256 = sha256();
            long size = 0;
            byte[] buffer = new byte[1 << 16];
            try (OutputStream out = extractTo.isPresent() ? newFile(relative) : OutputStream.nullOutputStream()) {
                int n;
                while ((n = readEntry(tar, name, buffer)) >= 0) {
                    sha256.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    size += n;
                }
            }
            if (extractTo.isPresent() && (tar.getCurrentEntry().getMode() & 0111) != 0) {
                Files.setPosixFilePermissions(
                        extractTo.get().resolve(relative), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return new BundleFile(relative, HexFormat.of().formatHex(sha256.digest()), size);
        }

        private byte[] readSmall(TarArchiveInputStream tar, String name, int limit) throws BundleRejectedException {
            if (tar.getCurrentEntry().getSize() > limit) {
                throw new BundleRejectedException(
                        Reason.MALFORMED, Optional.of(name), "is larger than " + limit + " bytes");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = readEntry(tar, name, buffer)) >= 0) {
                bytes.write(buffer, 0, n);
            }
            return bytes.toByteArray();
        }

        private int readEntry(TarArchiveInputStream tar, String name, byte[] buffer) throws BundleRejectedException {
            try {
                return tar.read(buffer, 0, buffer.length);
            } catch (IOException e) {
                throw new BundleRejectedException(
                        Reason.TRUNCATED, Optional.of(name), "the tar ends in the middle of this file (truncated)", e);
            }
        }

        private OutputStream newFile(String relative) throws IOException {
            Path file = extractTo.orElseThrow().resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.newOutputStream(file);
        }

        private void write(String relative, byte[] bytes) throws IOException {
            if (extractTo.isPresent()) {
                try (OutputStream out = newFile(relative)) {
                    out.write(bytes);
                }
            }
        }

        private static void createDirectories(Path dir) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
