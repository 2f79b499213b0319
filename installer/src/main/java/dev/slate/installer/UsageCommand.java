package dev.slate.installer;

import dev.slate.installer.bundle.BundleKeys;
import dev.slate.installer.http.ApiResponse;
import dev.slate.installer.http.SlateClient;
import dev.slate.installer.usage.UsageExportManifest;
import dev.slate.installer.usage.UsageExportSigner;
import dev.slate.installer.usage.UsageExportVerifier;
import dev.slate.installer.usage.UsageExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code slate usage}: billing usage records as signed files, for installations without Kafka (docs/cli.md). */
@Command(
        name = "usage",
        mixinStandardHelpOptions = true,
        description = "Export billing usage records to a signed file, or check one (docs/specs/usage-records.md).",
        subcommands = {UsageCommand.Export.class, UsageCommand.Verify.class, UsageCommand.Keygen.class})
final class UsageCommand {
    static final String NDJSON = "application/x-ndjson";
    static final String NEXT_AFTER = "X-Slate-Next-After";
    static final int PAGE = 10_000;

    @ParentCommand
    SlateCli root;

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = {
                "Write the usage records whose period started in [--since, --until) to FILE, byte for byte as the",
                "API serves them, and a signed manifest to FILE.sig (admin token needed)."
            })
    static final class Export implements Callable<Integer> {
        @ParentCommand
        UsageCommand usage;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--since",
                required = true,
                paramLabel = "TIME",
                description = "ISO-8601 with offset, e.g. 2026-12-01T00:00:00Z.")
        String since;

        @Option(names = "--until", paramLabel = "TIME", description = "Exclusive end; default: now (whole seconds).")
        String until;

        @Option(
                names = "--signing-key",
                required = true,
                paramLabel = "FILE",
                description = "Ed25519 private key, PKCS#8 PEM (`slate usage keygen`).")
        Path signingKey;

        @Option(
                names = {"-o", "--out"},
                paramLabel = "FILE",
                description = "Default: slate-usage-SINCE-UNTIL.ndjson here.")
        Path out;

        @Override
        public Integer call() {
            SlateCli root = usage.root;
            Instant from = instant("--since", since);
            Instant to = until == null || until.isBlank()
                    ? Instant.now().truncatedTo(ChronoUnit.SECONDS)
                    : instant("--until", until);
            if (!from.isBefore(to)) {
                throw new CliException("--since (" + from + ") must be before --until (" + to + ")");
            }
            PrivateKey key = privateKey(signingKey);
            PublicKey publicKey = UsageExportSigner.publicKeyOf(key);
            Path target = out != null ? out : Path.of("slate-usage-" + compact(from) + "-" + compact(to) + ".ndjson");
            SlateClient client = root.client();
            UsageExporter exporter =
                    new UsageExporter((s, u, after) -> page(client, s, u, after), root.mapper(), Clock.systemUTC());
            UsageExportManifest manifest;
            try {
                manifest = exporter.export(from, to, client.baseUrl(), key, publicKey, target);
            } catch (IOException e) {
                throw new CliException("cannot write " + target + ": " + e.getMessage());
            }
            PrintWriter o = spec.commandLine().getOut();
            o.println("wrote " + manifest.records() + " usage records of [" + from + ", " + to + ") to " + target);
            o.println("signature: " + UsageExporter.signatureFile(target).getFileName() + " (key "
                    + UsageExportSigner.fingerprint(publicKey) + ")");
            o.flush();
            return 0;
        }

        private static UsageExporter.Page page(
                SlateClient client, Instant since, Instant until, Optional<String> after) {
            String path = "/v1/usage/records?since=" + enc(since.toString()) + "&until=" + enc(until.toString())
                    + "&limit=" + PAGE + after.map(a -> "&after=" + enc(a)).orElse("");
            ApiResponse response = client.get(path, NDJSON);
            if (!response.isSuccess()) {
                String detail = response.json()
                        .map(j -> j.path("detail").asText(""))
                        .filter(s -> !s.isBlank())
                        .orElse(response.rawBody().strip());
                throw new CliException(
                        "the usage records could not be read (HTTP " + response.status() + "): " + detail);
            }
            return new UsageExporter.Page(
                    response.rawBody().getBytes(StandardCharsets.UTF_8), response.header(NEXT_AFTER));
        }

        private static String compact(Instant t) {
            return t.toString().replace(":", "").replace("-", "");
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Check a usage export and its FILE.sig with the installation's pinned public key: the signature, the",
                "SHA-256, the record count, and that every line is a schema-v1 record of the stated period. Exit 1 if refused."
            })
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        UsageCommand usage;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The export (its manifest is FILE.sig).")
        Path file;

        @Option(
                names = "--public-key",
                required = true,
                paramLabel = "KEY",
                description = "The installation's Ed25519 public key, PEM file (pinned when it was registered).")
        Path publicKey;

        @Override
        public Integer call() {
            PublicKey key;
            try {
                key = BundleKeys.publicKey(Files.readString(publicKey));
            } catch (IOException | IllegalArgumentException e) {
                throw new CliException("cannot read the public key " + publicKey + ": " + e.getMessage());
            }
            try {
                UsageExportVerifier.Verified v = new UsageExportVerifier(key, usage.root.mapper()).verify(file);
                PrintWriter o = spec.commandLine().getOut();
                o.println("verified: " + v.records() + " usage records of ["
                        + v.manifest().since() + ", " + v.manifest().until() + "), exported "
                        + v.manifest().exportedAt() + " from " + v.manifest().source());
                if (v.duplicateIds() > 0) {
                    o.println("note: " + v.duplicateIds() + " records repeat an earlier record_id; bill each id once");
                }
                o.flush();
                return 0;
            } catch (UsageExportVerifier.RefusedException e) {
                spec.commandLine().getErr().println("refused: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
    }

    @Command(
            name = "keygen",
            mixinStandardHelpOptions = true,
            description = {
                "Make the installation's usage-signing key pair: DIR/usage-signing.key (private, mode 600) and",
                "DIR/usage-signing.pub. Give the public key and its printed fingerprint to whoever verifies the exports."
            })
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out-dir", required = true, paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() {
            KeyPair pair = UsageExportSigner.newKeyPair();
            Path key = dir.resolve("usage-signing.key");
            Path pub = dir.resolve("usage-signing.pub");
            try {
                Files.createDirectories(dir);
                if (Files.exists(key) || Files.exists(pub)) {
                    throw new FileAlreadyExistsException(Files.exists(key) ? key.toString() : pub.toString());
                }
                Files.createFile(
                        key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(key, BundleKeys.toPem(pair.getPrivate()));
                Files.writeString(pub, BundleKeys.toPem(pair.getPublic()));
            } catch (FileAlreadyExistsException e) {
                throw new CliException(e.getFile() + " already exists; a key pair is never overwritten");
            } catch (IOException e) {
                throw new CliException("cannot write the key pair to " + dir + ": " + e.getMessage());
            }
            PrintWriter o = spec.commandLine().getOut();
            o.println("private key: " + key + " (keep it with the installation)");
            o.println("public key:  " + pub);
            o.println("fingerprint: " + UsageExportSigner.fingerprint(pair.getPublic()));
            o.flush();
            return 0;
        }
    }

    static PrivateKey privateKey(Path file) {
        try {
            return BundleKeys.privateKey(Files.readString(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("cannot read the signing key " + file + ": " + e.getMessage());
        }
    }

    static Instant instant(String option, String text) {
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw new CliException(option + " must be an ISO-8601 date-time with offset, e.g. 2026-12-01T00:00:00Z");
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
