package dev.slate.installer.cluster;

import dev.slate.installer.bundle.BundleKeys;
import dev.slate.installer.bundle.BundleWriter;
import dev.slate.installer.registry.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Small signed bundles for the cluster tests, written with the real {@link BundleWriter}: the chart
 * ({@code helm/slate} of this checkout), an OCI layout of two small test images (appliance and Keycloak) and a
 * document; the real bundle (about 850 MB) is far too big for the unit suite.
 */
final class ClusterTestBundles {
    private final KeyPair keys;
    private final Path publicKey;

    ClusterTestBundles(Path dir) throws IOException {
        try {
            keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Files.createDirectories(dir);
        publicKey = Files.writeString(dir.resolve("bundle.pub.pem"), BundleKeys.toPem(keys.getPublic()));
    }

    Path publicKey() {
        return publicKey;
    }

    /** A bundle of {@code version}; its image digests (by ref name) depend on {@code seed}. */
    Built bundle(Path dir, String version, long seed) throws IOException {
        Path content = dir.resolve("content-" + version);
        Map<String, String> digests = TestImages.layout(content.resolve("images"), version, seed);
        copyTree(RenderedChart.CHART, content.resolve("helm/slate"));
        Files.createDirectories(content.resolve("docs"));
        Files.writeString(content.resolve("docs/install.md"), "# Installing Slate\n", StandardCharsets.UTF_8);
        Path tar = dir.resolve("slate-bundle-" + version + ".tar");
        BundleWriter.pack(
                content,
                version,
                "0123456789abcdef0123456789abcdef01234567",
                Instant.parse("2026-12-07T00:00:00Z"),
                keys.getPrivate(),
                tar);
        return new Built(tar, digests);
    }

    record Built(Path tar, Map<String, String> digests) {
        String digest(String name, String version) {
            return digests.get(name + "-" + version);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
