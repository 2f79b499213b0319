package dev.slate.installer;

import dev.slate.installer.bundle.BundleKeys;
import dev.slate.installer.bundle.BundleManifest;
import dev.slate.installer.bundle.BundleRejectedException;
import dev.slate.installer.bundle.BundleVerifier;
import dev.slate.installer.bundle.BundleWriter;
import dev.slate.installer.bundle.PinnedPublicKey;
import dev.slate.installer.bundle.VerifiedBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "bundle",
        mixinStandardHelpOptions = true,
        description = "Check an offline bundle (docs/install.md).",
        subcommands = {BundleCommand.Verify.class, BundleCommand.Pack.class})
final class BundleCommand {
    @ParentCommand
    SlateCli root;

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Check an offline bundle before anything is installed from it: the signature of its manifest.json with",
                "the pinned public key, then the size and SHA-256 of every file, and that no file is missing or extra.",
                "A refused bundle names the file that failed; the exit code is 1."
            })
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        BundleCommand bundle;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The bundle, slate-bundle-VERSION.tar.")
        Path file;

        @Option(
                names = "--public-key",
                paramLabel = "KEY",
                description = {
                    "The Ed25519 public key (PEM file, or the PEM itself) the bundle must be signed with.",
                    "Default: $" + PinnedPublicKey.ENVIRONMENT + ", else the key built into this CLI."
                })
        String publicKey;

        @Option(
                names = "--expect-version",
                paramLabel = "VERSION",
                description = "Refuse a bundle of any other version.")
        String expectVersion;

        @Override
        public Integer call() {
            PinnedPublicKey.Chosen key;
            try {
                key = PinnedPublicKey.choose(
                        Optional.ofNullable(publicKey), bundle.root.env(PinnedPublicKey.ENVIRONMENT));
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            if (!Files.isRegularFile(file)) {
                throw new CliException("no bundle file " + file);
            }
            VerifiedBundle verified;
            try {
                verified = new BundleVerifier(key.key())
                        .verify(file, Optional.ofNullable(expectVersion).filter(s -> !s.isBlank()));
            } catch (BundleRejectedException e) {
                throw new CliException("bundle " + file.getFileName() + " refused: " + e.getMessage());
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + e.getMessage());
            }
            BundleManifest manifest = verified.manifest();
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "Bundle %s verified: Slate %s (commit %s, built %s)%n",
                    file.getFileName(), manifest.version(), manifest.gitCommit(), manifest.buildTime());
            out.printf(
                    Locale.ROOT,
                    "  %d files, %,d bytes, all as the manifest says; signed by %s (%s)%n",
                    manifest.files().size(),
                    verified.totalBytes(),
                    verified.signerFingerprint(),
                    key.source());
            return 0;
        }
    }

    @Command(
            name = "pack",
            hidden = true,
            mixinStandardHelpOptions = true,
            description = {
                "Build step of airgap-bundle/build.sh: write DIR as a signed bundle tar (manifest.json with every",
                "file's SHA-256 and size, manifest.json.sig with the Ed25519 signature)."
            })
    static final class Pack implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The bundle's content.")
        Path directory;

        @Option(names = "--version", required = true, paramLabel = "VERSION")
        String version;

        @Option(names = "--commit", required = true, paramLabel = "SHA")
        String commit;

        @Option(names = "--build-time", paramLabel = "ISO-8601", description = "Default: now.")
        String buildTime;

        @Option(
                names = "--signing-key",
                required = true,
                paramLabel = "FILE",
                description = "Ed25519 private key, PKCS#8 PEM.")
        Path signingKey;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(directory)) {
                throw new CliException("no directory " + directory);
            }
            Instant time;
            try {
                time = buildTime == null ? Instant.now() : Instant.parse(buildTime);
            } catch (DateTimeParseException e) {
                throw new CliException("--build-time is not an ISO-8601 instant: " + buildTime);
            }
            PrivateKey key;
            try {
                key = BundleKeys.privateKey(Files.readString(signingKey, StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException | IOException e) {
                throw new CliException("cannot read the signing key " + signingKey + ": " + e.getMessage());
            }
            BundleManifest manifest;
            try {
                manifest = BundleWriter.pack(directory, version, commit, time, key, out);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "Wrote %s: %d files, %,d bytes%n",
                            out,
                            manifest.files().size(),
                            Files.size(out));
            return 0;
        }
    }
}
