package dev.slate.installer.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Checks a usage export against its signature file with a pinned public key (docs/specs/usage-records.md, "Signed
 * export files"): the signature, the SHA-256 and line count of the export, and that every line is a schema-v1 record
 * of the stated period. A refusal says what failed; nothing is trusted before the signature is.
 */
public final class UsageExportVerifier {

    /** What a verified export holds. */
    public record Verified(UsageExportManifest manifest, long records, long duplicateIds) {}

    /** A refused export, with the reason. */
    public static final class RefusedException extends Exception {
        public RefusedException(String message) {
            super(message);
        }

        public RefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final PublicKey pinned;
    private final ObjectMapper mapper;

    public UsageExportVerifier(PublicKey pinned, ObjectMapper mapper) {
        this.pinned = pinned;
        this.mapper = mapper;
    }

    public Verified verify(Path export) throws RefusedException {
        Path sigFile = UsageExporter.signatureFile(export);
        UsageExportManifest manifest;
        try {
            manifest = UsageExportManifest.fromJson(mapper.readTree(Files.readAllBytes(sigFile)));
        } catch (NoSuchFileException e) {
            throw new RefusedException("the signature file " + sigFile.getFileName() + " is missing", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new RefusedException(
                    "the signature file " + sigFile.getFileName() + " is unreadable: " + e.getMessage(), e);
        }
        if (!UsageExportSigner.verify(pinned, manifest.signedText(), manifest.signature())) {
            throw new RefusedException(
                    "the signature does not match the pinned public key " + UsageExportSigner.fingerprint(pinned)
                            + ": the signature file was altered or signed by another key");
        }
        long lines = 0;
        long duplicates = 0;
        Set<String> ids = new HashSet<>();
        MessageDigest sha256 = sha256();
        try (InputStream raw = Files.newInputStream(export);
                DigestInputStream digest = new DigestInputStream(raw, sha256);
                BufferedReader reader = new BufferedReader(new InputStreamReader(digest, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines++;
                String id = checkRecord(line, lines, manifest);
                if (!ids.add(id)) {
                    duplicates++;
                }
            }
        } catch (NoSuchFileException e) {
            throw new RefusedException("the export " + export.getFileName() + " is missing", e);
        } catch (IOException e) {
            throw new RefusedException("cannot read " + export.getFileName() + ": " + e.getMessage(), e);
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(manifest.sha256())) {
            throw new RefusedException(export.getFileName() + " was altered or truncated: its SHA-256 is " + actual
                    + ", the signed one " + manifest.sha256());
        }
        if (lines != manifest.records()) {
            throw new RefusedException(
                    export.getFileName() + " holds " + lines + " records, the signature says " + manifest.records());
        }
        return new Verified(manifest, lines, duplicates);
    }

    private String checkRecord(String line, long number, UsageExportManifest manifest) throws RefusedException {
        JsonNode record;
        try {
            record = mapper.readTree(line);
        } catch (IOException e) {
            throw new RefusedException("line " + number + " is not JSON", e);
        }
        if (record == null
                || !record.isObject()
                || record.path("schema_version").asInt(-1) != 1) {
            throw new RefusedException("line " + number + " is not a schema-version-1 usage record");
        }
        String id = record.path("record_id").asText("");
        if (id.isEmpty()) {
            throw new RefusedException("line " + number + " has no record_id");
        }
        Instant start;
        try {
            start = Instant.parse(record.path("period_start").asText(""));
        } catch (DateTimeParseException e) {
            throw new RefusedException("line " + number + " has no valid period_start", e);
        }
        if (start.isBefore(manifest.since()) || !start.isBefore(manifest.until())) {
            throw new RefusedException("line " + number + " is of period " + start + ", outside the export's ["
                    + manifest.since() + ", " + manifest.until() + ")");
        }
        return id;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }
}
