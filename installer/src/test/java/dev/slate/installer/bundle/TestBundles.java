package dev.slate.installer.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small synthetic bundles for the tests, and ways to damage them as a transfer or an attacker would. */
final class TestBundles {
    static final String VERSION = "1.2.3";
    static final String ROOT = "slate-bundle-" + VERSION;
    static final Instant BUILT = Instant.parse("2026-12-06T12:00:00Z");

    private TestBundles() {}

    static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A bundle directory like the real one, in miniature: nested files, one executable, one empty. */
    static Path content(Path dir) throws IOException {
        write(dir, "images/slate-appliance/index.json", "{\"schemaVersion\":2,\"manifests\":[]}\n");
        write(dir, "images/slate-appliance/blobs/sha256/layer-one", "appliance image layer one\n".repeat(200));
        write(dir, "images/slate-appliance/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}\n");
        write(dir, "cli/lib/slate-installer.jar", "not really a jar, but bytes all the same\n");
        write(dir, "docs/install.md", "# Installing Slate\n");
        write(dir, "sbom/bom.json", "{\"bomFormat\":\"CycloneDX\"}\n");
        write(dir, "keycloak/empty-marker", "");
        Path launcher = write(
                dir, "cli/slate", "#!/bin/sh\nexec java -jar \"$(dirname \"$0\")/lib/slate-installer.jar\" \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    static Path packed(Path temp, KeyPair keys) throws IOException {
        Path content = content(temp.resolve("content"));
        Path tar = temp.resolve("slate-bundle-" + VERSION + ".tar");
        BundleWriter.pack(content, VERSION, "0123456789abcdef0123456789abcdef01234567", BUILT, keys.getPrivate(), tar);
        return tar;
    }

    static Path write(Path dir, String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Flips one byte inside the first occurrence of {@code marker} in the raw tar (the tar headers stay intact). */
    static void flipByteOf(Path tar, String marker) throws IOException {
        byte[] bytes = Files.readAllBytes(tar);
        int at = indexOf(bytes, marker.getBytes(StandardCharsets.UTF_8));
        if (at < 0) {
            throw new IllegalArgumentException("no '" + marker + "' in " + tar);
        }
        bytes[at + marker.length() / 2] ^= 0x01;
        Files.write(tar, bytes);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** What {@link #rewrite} does with one entry. */
    interface EntryEdit {
        /** Writes the entry (possibly changed) to {@code out}, or nothing to drop it. */
        void apply(TarArchiveEntry entry, byte[] content, TarArchiveOutputStream out) throws IOException;
    }

    /** Copies {@code tar} entry by entry through {@code edit}, then lets {@code append} add entries at the end. */
    static void rewrite(Path tar, EntryEdit edit, TarAppender append) throws IOException {
        Path copy = tar.resolveSibling(tar.getFileName() + ".rewritten");
        try (InputStream in = Files.newInputStream(tar);
                TarArchiveInputStream source = new TarArchiveInputStream(in);
                OutputStream out = Files.newOutputStream(copy);
                TarArchiveOutputStream target = new TarArchiveOutputStream(out)) {
            target.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry entry;
            while ((entry = source.getNextEntry()) != null) {
                edit.apply(entry, source.readAllBytes(), target);
            }
            append.append(target);
        }
        Files.move(copy, tar, StandardCopyOption.REPLACE_EXISTING);
    }

    interface TarAppender {
        void append(TarArchiveOutputStream out) throws IOException;
    }

    static EntryEdit keep() {
        return TestBundles::copy;
    }

    static EntryEdit dropping(Predicate<String> name) {
        return (entry, content, out) -> {
            if (!name.test(entry.getName())) {
                copy(entry, content, out);
            }
        };
    }

    static void copy(TarArchiveEntry entry, byte[] content, TarArchiveOutputStream out) throws IOException {
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    static void file(TarArchiveOutputStream out, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    static TarAppender nothing() {
        return out -> {};
    }
}
