package dev.slate.installer.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.installer.bundle.BundleKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Writes a signed usage export (docs/specs/usage-records.md, "Signed export files"): the records of
 * {@code GET /v1/usage/records} for [since, until), page by page, byte for byte, into {@code FILE}, and the signed
 * manifest into {@code FILE.sig}. Both are written under temporary names and moved into place only when complete, the
 * export first, so a manifest never describes a partial file.
 */
public final class UsageExporter {

    /** One page of records: NDJSON lines, and where the next page starts (empty after the last). */
    public record Page(byte[] lines, Optional<String> nextAfter) {}

    /** Reads a page: records after the outbox id {@code after} (empty for the first page). */
    @FunctionalInterface
    public interface PageSource {
        Page read(Instant since, Instant until, Optional<String> after) throws IOException;
    }

    private final PageSource pages;
    private final ObjectMapper mapper;
    private final Clock clock;

    public UsageExporter(PageSource pages, ObjectMapper mapper, Clock clock) {
        this.pages = pages;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Where the manifest of {@code export} is kept. */
    public static Path signatureFile(Path export) {
        Path absolute = export.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + ".sig");
    }

    public UsageExportManifest export(
            Instant since, Instant until, URI source, PrivateKey signingKey, PublicKey publicKey, Path target)
            throws IOException {
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("'since' (" + since + ") must be before 'until' (" + until + ")");
        }
        Path absolute = target.toAbsolutePath();
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        Path sig = signatureFile(absolute);
        Path sigPartial = sig.resolveSibling(sig.getFileName() + ".partial");
        MessageDigest sha256 = UsageExportVerifier.sha256();
        long records = 0;
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                Optional<String> after = Optional.empty();
                do {
                    Page page = pages.read(since, until, after);
                    out.write(page.lines());
                    sha256.update(page.lines());
                    records += countLines(page.lines());
                    after = page.nextAfter();
                } while (after.isPresent());
            }
            UsageExportManifest unsigned = new UsageExportManifest(
                    records,
                    HexFormat.of().formatHex(sha256.digest()),
                    since,
                    until,
                    clock.instant(),
                    source.toString(),
                    BundleKeys.toPem(publicKey),
                    "");
            UsageExportManifest signed = new UsageExportManifest(
                    unsigned.records(),
                    unsigned.sha256(),
                    since,
                    until,
                    unsigned.exportedAt(),
                    unsigned.source(),
                    unsigned.publicKey(),
                    UsageExportSigner.sign(signingKey, unsigned.signedText()));
            Files.write(sigPartial, signed.toJson(mapper));
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(sigPartial, sig, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return signed;
        } finally {
            Files.deleteIfExists(partial);
            Files.deleteIfExists(sigPartial);
        }
    }

    private static long countLines(byte[] bytes) {
        long n = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                n++;
            }
        }
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
            throw new IllegalStateException("a page of usage records does not end with a line break: "
                    + new String(
                            bytes, Math.max(0, bytes.length - 40), Math.min(40, bytes.length), StandardCharsets.UTF_8));
        }
        return n;
    }
}
