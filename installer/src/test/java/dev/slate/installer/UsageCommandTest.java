package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.installer.FakeSlateServer.Answer;
import dev.slate.installer.bundle.BundleKeys;
import dev.slate.installer.usage.UsageExportSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code slate usage export | verify | keygen} against the in-process fake of the REST API. */
class UsageCommandTest {
    @RegisterExtension
    final FakeSlateServer server = FakeSlateServer.perTest();

    @TempDir
    Path dir;

    Path key;
    Path pub;

    static String record(String id, String start) {
        return "{\"schema_version\":1,\"record_id\":\"" + id + "\",\"environment\":\"prod\",\"query_name\":\"adhoc\","
                + "\"metric\":\"queries\",\"quantity\":3,\"period_start\":\"" + start + "\",\"period_end\":\"" + start
                + "\",\"node\":\"n1\"}\n";
    }

    static final String PAGE1 = record("id-1", "2026-12-01T00:00:00Z") + record("id-2", "2026-12-01T00:00:10Z");
    static final String PAGE2 = record("id-3", "2026-12-01T00:00:20Z");

    @BeforeEach
    void keysAndPages() {
        CliRun keygen =
                CliRun.of("usage", "keygen", "--out-dir", dir.resolve("keys").toString());
        assertThat(keygen.exitCode()).as(keygen.err()).isZero();
        assertThat(keygen.out()).contains("fingerprint: SHA256:");
        key = dir.resolve("keys/usage-signing.key");
        pub = dir.resolve("keys/usage-signing.pub");
        server.answerInTurn(
                "GET",
                "/v1/usage/records",
                new Answer(200, "application/x-ndjson", PAGE1, Map.of("X-Slate-Next-After", "42")),
                new Answer(200, "application/x-ndjson", PAGE2));
    }

    private CliRun export(Path out) {
        return server.cli(
                "usage",
                "export",
                "--since",
                "2026-12-01T00:00:00Z",
                "--until",
                "2026-12-02T00:00:00Z",
                "--signing-key",
                key.toString(),
                "-o",
                out.toString());
    }

    private CliRun verify(Path out, Path publicKey) {
        return CliRun.of("usage", "verify", out.toString(), "--public-key", publicKey.toString());
    }

    @Test
    void exportsEveryPageByteForByteAndTheSignatureVerifies() throws IOException {
        Path out = dir.resolve("usage.ndjson");
        CliRun run = export(out);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("wrote 3 usage records");
        assertThat(Files.readString(out)).isEqualTo(PAGE1 + PAGE2);
        assertThat(server.requests).hasSize(2);
        assertThat(server.requests.get(0).query())
                .contains("since=2026-12-01T00%3A00%3A00Z")
                .contains("until=2026-12-02T00%3A00%3A00Z")
                .doesNotContain("after=");
        assertThat(server.requests.get(1).query()).contains("after=42");
        assertThat(server.requests.get(0).header("Accept")).startsWith("application/x-ndjson");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        assertThat(Files.getPosixFilePermissions(key))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        CliRun checked = verify(out, pub);
        assertThat(checked.exitCode()).as(checked.err()).isZero();
        assertThat(checked.out()).contains("verified: 3 usage records of [2026-12-01T00:00:00Z, 2026-12-02T00:00:00Z)");
    }

    @Test
    void anAlteredRecordIsRefused() throws IOException {
        Path out = dir.resolve("usage.ndjson");
        assertThat(export(out).exitCode()).isZero();
        Files.writeString(out, Files.readString(out).replace("\"quantity\":3", "\"quantity\":1"));

        CliRun checked = verify(out, pub);
        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.err()).contains("refused: usage.ndjson was altered or truncated");
    }

    @Test
    void aTruncatedExportIsRefused() throws IOException {
        Path out = dir.resolve("usage.ndjson");
        assertThat(export(out).exitCode()).isZero();
        byte[] bytes = Files.readAllBytes(out);
        Files.write(out, Arrays.copyOf(bytes, PAGE1.getBytes(StandardCharsets.UTF_8).length));

        CliRun checked = verify(out, pub);
        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.err()).contains("altered or truncated");
    }

    @Test
    void aManifestEditedToMatchIsRefusedByTheSignature() throws IOException {
        Path out = dir.resolve("usage.ndjson");
        assertThat(export(out).exitCode()).isZero();
        Path sig = dir.resolve("usage.ndjson.sig");
        Files.writeString(sig, Files.readString(sig).replaceFirst("\"records\" : 3", "\"records\" : 2"));

        CliRun checked = verify(out, pub);
        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.err()).contains("the signature does not match the pinned public key");
    }

    @Test
    void anExportSignedWithAnotherKeyIsRefused() throws IOException {
        Path out = dir.resolve("usage.ndjson");
        assertThat(export(out).exitCode()).isZero();
        KeyPair other = UsageExportSigner.newKeyPair();
        Path otherPub = dir.resolve("other.pub");
        Files.writeString(otherPub, BundleKeys.toPem(other.getPublic()));

        CliRun checked = verify(out, otherPub);
        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.err()).contains("the signature does not match");
    }

    @Test
    void aMissingSignatureFileIsRefused() throws IOException {
        Path out = dir.resolve("usage.ndjson");
        assertThat(export(out).exitCode()).isZero();
        Files.delete(dir.resolve("usage.ndjson.sig"));

        CliRun checked = verify(out, pub);
        assertThat(checked.exitCode()).isEqualTo(1);
        assertThat(checked.err()).contains("the signature file usage.ndjson.sig is missing");
    }

    @Test
    void aServerErrorWritesNothing() {
        server.answerInTurn(
                "GET",
                "/v1/usage/records",
                new Answer(
                        404,
                        "application/problem+json",
                        "{\"code\":\"NOT_FOUND\",\"status\":404,\"detail\":\"billing telemetry is off on this installation\"}"));
        Path out = dir.resolve("usage.ndjson");

        CliRun run = export(out);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("HTTP 404").contains("billing telemetry is off");
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("usage.ndjson.sig")).doesNotExist();
        assertThat(dir.resolve("usage.ndjson.partial")).doesNotExist();
    }

    @Test
    void keygenNeverOverwritesAKey() {
        CliRun again =
                CliRun.of("usage", "keygen", "--out-dir", dir.resolve("keys").toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already exists");
    }

    @Test
    void theSigningKeysPublicHalfIsDerivedExactly() throws IOException {
        var privateKey = BundleKeys.privateKey(Files.readString(key));
        var publicKey = BundleKeys.publicKey(Files.readString(pub));
        assertThat(UsageExportSigner.publicKeyOf(privateKey).getEncoded()).isEqualTo(publicKey.getEncoded());
    }
}
