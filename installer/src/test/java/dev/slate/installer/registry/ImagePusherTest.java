package dev.slate.installer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes a small OCI layout into a real registry (Debian's docker-registry on 127.0.0.1) and reads it back by tag
 * and by digest.
 */
class ImagePusherTest {
    static final String VERSION = "1.2.3";

    @TempDir
    Path dir;

    @Test
    void pushesEveryImageAndTheRegistryServesTheSameManifestByTagAndDigest() throws IOException {
        Map<String, String> digests = TestImages.layout(dir.resolve("layout"), VERSION, 1);
        try (LocalRegistry registry =
                LocalRegistry.start(dir.resolve("registry"), Optional.empty(), Optional.empty())) {
            RegistryAddress address = RegistryAddress.parse(registry.host() + "/acme/prod", true);
            RegistryClient client = new RegistryClient(address, Optional.empty(), Optional.empty());
            OciLayout layout = new OciLayout(dir.resolve("layout"));
            List<String> progress = new ArrayList<>();

            List<PushedImage> pushed = new ImagePusher(client, progress::add).pushAll(layout, VERSION);

            assertThat(pushed)
                    .extracting(PushedImage::name, PushedImage::repository, PushedImage::tag, PushedImage::digest)
                    .containsExactly(
                            tuple("appliance", "acme/prod/slate/appliance", VERSION, digests.get("appliance-1.2.3")),
                            tuple("keycloak", "acme/prod/slate/keycloak", VERSION, digests.get("keycloak-1.2.3")));
            // config + 3 layers, config + 2 layers: every blob sent once
            assertThat(pushed).extracting(PushedImage::blobsUploaded).containsExactly(4, 3);
            assertThat(progress).hasSize(2);
            for (OciLayout.Image image : layout.images()) {
                String repository = "acme/prod/slate/" + image.refName().replace("-" + VERSION, "");
                byte[] expected = layout.blobBytes(image.manifest());
                String accept = ImagePusher.acceptedManifestTypes();
                assertThat(client.manifest(repository, VERSION, accept)).isEqualTo(expected);
                assertThat(client.manifest(repository, image.manifest().digest(), accept))
                        .isEqualTo(expected);
                assertThat(client.manifestDigest(repository, VERSION, accept))
                        .contains(image.manifest().digest());
                for (OciDescriptor blob : layout.blobsOf(image.manifest())) {
                    assertThat(client.hasBlob(repository, blob.digest()))
                            .as(blob.digest())
                            .isTrue();
                }
            }
        }
    }

    @Test
    void aSecondOrInterruptedPushSendsOnlyWhatTheRegistryLacks() throws IOException {
        TestImages.layout(dir.resolve("layout"), VERSION, 2);
        try (LocalRegistry registry =
                LocalRegistry.start(dir.resolve("registry"), Optional.empty(), Optional.empty())) {
            RegistryClient client = new RegistryClient(
                    RegistryAddress.parse(registry.host(), true), Optional.empty(), Optional.empty());
            OciLayout layout = new OciLayout(dir.resolve("layout"));
            OciLayout.Image appliance = layout.images().getFirst();
            // an interrupted push: two blobs of the appliance made it, its manifest did not
            List<OciDescriptor> blobs = layout.blobsOf(appliance.manifest());
            for (OciDescriptor blob : blobs.subList(0, 2)) {
                client.pushBlob("slate/appliance", blob.digest(), layout.blob(blob));
            }
            assertThat(client.manifestDigest("slate/appliance", VERSION, ImagePusher.acceptedManifestTypes()))
                    .isEmpty();

            List<PushedImage> resumed = new ImagePusher(client, line -> {}).pushAll(layout, VERSION);
            List<PushedImage> again = new ImagePusher(client, line -> {}).pushAll(layout, VERSION);

            assertThat(resumed.getFirst().blobsUploaded()).isEqualTo(2);
            assertThat(resumed.getFirst().blobsSkipped()).isEqualTo(2);
            assertThat(again).allSatisfy(p -> {
                assertThat(p.blobsUploaded()).isZero();
                assertThat(p.bytesUploaded()).isZero();
            });
            assertThat(again)
                    .extracting(PushedImage::digest)
                    .isEqualTo(resumed.stream().map(PushedImage::digest).toList());
        }
    }

    @Test
    void aRegistryWithTlsFromAPrivateCaAndBasicAuthTakesThePushOnlyWithTheCaAndTheRightPassword()
            throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/htpasswd")), "htpasswd (apache2-utils) is not installed");
        Path tls = Files.createDirectories(dir.resolve("tls"));
        selfSigned(
                tls.resolve("key.pem"), tls.resolve("cert.pem"), "slate-test-registry", "subjectAltName=IP:127.0.0.1");
        Path htpasswd = dir.resolve("htpasswd");
        run("/usr/bin/htpasswd", "-B", "-b", "-c", htpasswd.toString(), "installer", "s3cret-for-the-test");
        Path passwordFile = Files.writeString(dir.resolve("password"), "s3cret-for-the-test\n", StandardCharsets.UTF_8);
        TestImages.layout(dir.resolve("layout"), VERSION, 3);
        OciLayout layout = new OciLayout(dir.resolve("layout"));
        try (LocalRegistry registry =
                LocalRegistry.start(dir.resolve("registry"), Optional.of(htpasswd), Optional.of(new Path[] {
                    tls.resolve("cert.pem"), tls.resolve("key.pem")
                }))) {
            RegistryAddress address = RegistryAddress.parse(registry.host(), false);
            Optional<Path> ca = Optional.of(tls.resolve("cert.pem"));
            RegistryCredentials good = RegistryCredentials.fromFile("installer", passwordFile);

            assertThatThrownBy(() -> new RegistryClient(address, Optional.of(good), Optional.empty()).ping())
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("TLS with 127.0.0.1")
                    .hasMessageContaining("--registry-ca");
            assertThatThrownBy(() -> new RegistryClient(address, Optional.empty(), ca).ping())
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("requires credentials");
            assertThatThrownBy(() -> new RegistryClient(
                                    address, Optional.of(new RegistryCredentials("installer", "wrong")), ca)
                            .ping())
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("refused the credentials of user installer")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong"));

            RegistryClient client = new RegistryClient(address, Optional.of(good), ca);
            assertThat(client.ping().status()).isEqualTo(200);
            List<PushedImage> pushed = new ImagePusher(client, line -> {}).pushAll(layout, VERSION);

            assertThat(pushed).hasSize(2);
            assertThat(client.manifest("slate/appliance", VERSION, ImagePusher.acceptedManifestTypes()))
                    .isEqualTo(layout.blobBytes(layout.images().getFirst().manifest()));
            assertThat(good.toString()).doesNotContain("s3cret");
        }
    }

    @Test
    void refusesAddressesWithASchemeOrABadPrefix() {
        assertThatThrownBy(() -> RegistryAddress.parse("https://registry.example.com", false))
                .hasMessageContaining("without a scheme");
        assertThatThrownBy(() -> RegistryAddress.parse("registry.example.com/Upper", false))
                .hasMessageContaining("not a repository prefix");
        RegistryAddress address = RegistryAddress.parse("registry.example.com:5000/team/slate/", false);
        assertThat(address.host()).isEqualTo("registry.example.com:5000");
        assertThat(address.chartRegistry()).isEqualTo("registry.example.com:5000/team/slate");
        assertThat(address.repository("slate/appliance")).isEqualTo("team/slate/slate/appliance");
        assertThat(address.baseUri().toString()).isEqualTo("https://registry.example.com:5000");
    }

    /** A self-signed RSA certificate and its key (PEM) made with openssl, with extensions ({@code -addext}). */
    static void selfSigned(Path key, Path cert, String commonName, String... extensions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "/usr/bin/openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=" + commonName,
                "-keyout",
                key.toString(),
                "-out",
                cert.toString()));
        for (String extension : extensions) {
            command.add("-addext");
            command.add(extension);
        }
        run(command.toArray(String[]::new));
    }

    /** Runs a command to completion; fails the test when it exits non-zero. */
    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
