package dev.slate.installer.usage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The signature file next to a usage export ({@code FILE.sig}), as docs/specs/usage-records.md ("Signed export
 * files") defines it. The signature covers {@link #signedText()}, which names every other field.
 *
 * @param records the number of lines (records) of the export
 * @param sha256 the lower-case hex SHA-256 of the export's bytes
 * @param since the start of the exported periods (inclusive)
 * @param until the end of the exported periods (exclusive)
 * @param exportedAt when the export was written
 * @param source the Slate URL the records were read from
 * @param publicKey the signer's Ed25519 public key, PEM (informative: a verifier uses the key it pinned)
 * @param signature the base64 Ed25519 signature of {@link #signedText()}
 */
public record UsageExportManifest(
        long records,
        String sha256,
        Instant since,
        Instant until,
        Instant exportedAt,
        String source,
        String publicKey,
        String signature) {

    /** The format name, first line of the signed text and value of the {@code format} field. */
    public static final String FORMAT = "slate.usage.export.v1";

    public UsageExportManifest {
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(since, "since is null");
        requireNonNull(until, "until is null");
        requireNonNull(exportedAt, "exportedAt is null");
        requireNonNull(source, "source is null");
        requireNonNull(publicKey, "publicKey is null");
        requireNonNull(signature, "signature is null");
    }

    /** The bytes the signature covers: one field per line, in this order, each line ending in LF. */
    public byte[] signedText() {
        String text = FORMAT + "\n" + records + "\n" + sha256 + "\n" + since + "\n" + until + "\n" + exportedAt + "\n"
                + source + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] toJson(ObjectMapper mapper) {
        ObjectNode node = mapper.createObjectNode();
        node.put("format", FORMAT);
        node.put("records", records);
        node.put("sha256", sha256);
        node.put("since", since.toString());
        node.put("until", until.toString());
        node.put("exported_at", exportedAt.toString());
        node.put("source", source);
        node.put("public_key", publicKey);
        node.put("signature", signature);
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the usage export manifest", e);
        }
    }

    /** @throws IllegalArgumentException naming the field that is missing or malformed */
    public static UsageExportManifest fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the signature file is not a JSON object");
        }
        String format = text(node, "format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("unknown format '" + format + "' (expected " + FORMAT + ")");
        }
        JsonNode records = node.get("records");
        if (records == null || !records.canConvertToLong() || records.asLong() < 0) {
            throw new IllegalArgumentException("'records' must be a number ≥ 0");
        }
        return new UsageExportManifest(
                records.asLong(),
                text(node, "sha256"),
                instant(node, "since"),
                instant(node, "until"),
                instant(node, "exported_at"),
                text(node, "source"),
                text(node, "public_key"),
                text(node, "signature"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        try {
            return Instant.parse(text(node, field));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' is not an ISO-8601 instant", e);
        }
    }
}
