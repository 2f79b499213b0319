package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.installer.bundle.BundleKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slate bundle pack} (the build's step) and {@code slate bundle verify}, run as the CLI. */
class BundleCommandTest {
    @TempDir
    Path temp;

    private Path publicKey;
    private Path otherPublicKey;
    private Path bundle;

    @BeforeEach
    void packABundle() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        publicKey = Files.writeString(temp.resolve("public.pem"), BundleKeys.toPem(keys.getPublic()));
        otherPublicKey = Files.writeString(
                temp.resolve("other.pem"),
                BundleKeys.toPem(KeyPairGenerator.getInstance("Ed25519")
                        .generateKeyPair()
                        .getPublic()));
        Path signingKey = Files.writeString(temp.resolve("private.pem"), BundleKeys.toPem(keys.getPrivate()));
        Path content = temp.resolve("content");
        write(content, "images/slate-appliance/index.json", "{\"schemaVersion\":2}\n");
        write(content, "docs/install.md", "# Installing Slate\n");
        bundle = temp.resolve("slate-bundle-0.4.0.tar");

        CliRun pack = CliRun.of(
                "bundle",
                "pack",
                content.toString(),
                "--version",
                "0.4.0",
                "--commit",
                "abc123",
                "--build-time",
                "2026-12-06T12:00:00Z",
                "--signing-key",
                signingKey.toString(),
                "--out",
                bundle.toString());

        assertThat(pack.err()).isEmpty();
        assertThat(pack.exitCode()).isZero();
        assertThat(pack.out()).startsWith("Wrote " + bundle + ": 2 files, ");
    }

    private static void write(Path dir, String relative, String text) throws IOException {
        Files.createDirectories(dir.resolve(relative).getParent());
        Files.writeString(dir.resolve(relative), text);
    }

    @Test
    void verifyPrintsWhatTheBundleIs() {
        CliRun run = CliRun.of(
                "bundle",
                "verify",
                bundle.toString(),
                "--public-key",
                publicKey.toString(),
                "--expect-version",
                "0.4.0");

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .startsWith(
                        "Bundle slate-bundle-0.4.0.tar verified: Slate 0.4.0 (commit abc123, built 2026-12-06T12:00:00Z)\n")
                .contains("2 files, ")
                .contains("(--public-key)");
    }

    @Test
    void theKeyMayComeFromTheEnvironmentAsPemText() throws IOException {
        String pem = Files.readString(publicKey);

        CliRun run = CliRun.of(Map.of("SLATE_BUNDLE_PUBLIC_KEY", pem), "bundle", "verify", bundle.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("($SLATE_BUNDLE_PUBLIC_KEY)");
    }

    @Test
    void aTamperedBundleExitsNonZeroNamingTheFile() throws IOException {
        byte[] bytes = Files.readAllBytes(bundle);
        byte[] marker = "# Installing Slate".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, marker);
        bytes[at + 3] ^= 0x20;
        Files.write(bundle, bytes);

        CliRun run = CliRun.of("bundle", "verify", bundle.toString(), "--public-key", publicKey.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith(
                        "error: bundle slate-bundle-0.4.0.tar refused: slate-bundle-0.4.0/docs/install.md: SHA-256 is ")
                .contains("[DIGEST_MISMATCH]");
    }

    @Test
    void anotherKeyOrVersionIsRefused() {
        CliRun otherKey = CliRun.of("bundle", "verify", bundle.toString(), "--public-key", otherPublicKey.toString());
        CliRun otherVersion = CliRun.of(
                "bundle",
                "verify",
                bundle.toString(),
                "--public-key",
                publicKey.toString(),
                "--expect-version",
                "0.5.0");

        assertThat(otherKey.exitCode()).isEqualTo(1);
        assertThat(otherKey.err())
                .contains("slate-bundle-0.4.0/manifest.json: the signature")
                .contains("[BAD_SIGNATURE]");
        assertThat(otherVersion.exitCode()).isEqualTo(1);
        assertThat(otherVersion.err()).contains("the bundle is version 0.4.0, expected 0.5.0 [WRONG_VERSION]");
    }

    @Test
    void anUnreadableKeyOrMissingBundleIsAPlainError() {
        CliRun badKey = CliRun.of(
                "bundle",
                "verify",
                bundle.toString(),
                "--public-key",
                temp.resolve("nope.pem").toString());
        CliRun notAKey = CliRun.of(
                Map.of("SLATE_BUNDLE_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
                "bundle",
                "verify",
                bundle.toString());
        CliRun noBundle = CliRun.of(
                "bundle", "verify", temp.resolve("missing.tar").toString(), "--public-key", publicKey.toString());

        assertThat(badKey.exitCode()).isEqualTo(1);
        assertThat(badKey.err())
                .startsWith("error: --public-key: cannot read the public key file " + temp.resolve("nope.pem"));
        assertThat(notAKey.exitCode()).isEqualTo(1);
        assertThat(notAKey.err()).startsWith("error: $SLATE_BUNDLE_PUBLIC_KEY: not an Ed25519 public key");
        assertThat(noBundle.exitCode()).isEqualTo(1);
        assertThat(noBundle.err()).startsWith("error: no bundle file ");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
