package dev.slate.installer.bundle;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code manifest.json} of an offline bundle (docs/install.md, "The offline bundle"): what the bundle is and the
 * SHA-256 and size of every file in it except the manifest and its signature. The signature covers the manifest's
 * exact bytes, so {@link #toJson()} is written once by the bundle build and {@link #parse(byte[])} never
 * re-serializes.
 *
 * @param format the manifest format ({@value #FORMAT})
 * @param version the Slate version the bundle carries
 * @param gitCommit the commit it was built from
 * @param buildTime when it was built
 * @param files every file, sorted by path, no path twice
 */
public record BundleManifest(int format, String version, String gitCommit, Instant buildTime, List<BundleFile> files) {
    public static final int FORMAT = 1;
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,63}");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BundleManifest {
        requireNonNull(version, "version is null");
        requireNonNull(gitCommit, "gitCommit is null");
        requireNonNull(buildTime, "buildTime is null");
        if (format != FORMAT) {
            throw new IllegalArgumentException(
                    "manifest format " + format + " is not supported (this installer reads format " + FORMAT + ")");
        }
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("version is not a plain version string: '" + version + "'");
        }
        List<BundleFile> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(BundleFile::path));
        Set<String> seen = new HashSet<>();
        for (BundleFile file : sorted) {
            if (file.path().equals(BundlePaths.MANIFEST) || file.path().equals(BundlePaths.SIGNATURE)) {
                throw new IllegalArgumentException("the manifest cannot list " + file.path());
            }
            if (!seen.add(file.path())) {
                throw new IllegalArgumentException("the manifest lists " + file.path() + " twice");
            }
        }
        files = List.copyOf(sorted);
    }

    /** The manifest as the bytes the build writes and signs (pretty JSON, UTF-8, trailing newline). */
    public byte[] toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", format);
        root.put("product", "slate");
        root.put("version", version);
        root.put("gitCommit", gitCommit);
        root.put("buildTime", buildTime.toString());
        ArrayNode list = root.putArray("files");
        for (BundleFile file : files) {
            list.addObject()
                    .put("path", file.path())
                    .put("sha256", file.sha256())
                    .put("size", file.size());
        }
        try {
            return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest", e);
        }
    }

    /** @throws IllegalArgumentException naming what is wrong when the bytes are not a manifest of a supported format */
    public static BundleManifest parse(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("manifest.json is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("manifest.json is not a JSON object");
        }
        if (!"slate".equals(text(root, "product"))) {
            throw new IllegalArgumentException(
                    "manifest.json is not a Slate bundle manifest (product is not \"slate\")");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isInt()) {
            throw new IllegalArgumentException("manifest.json has no integer \"format\"");
        }
        Instant buildTime;
        try {
            buildTime = Instant.parse(text(root, "buildTime"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("manifest.json has no ISO-8601 \"buildTime\"", e);
        }
        JsonNode list = root.get("files");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("manifest.json has no \"files\" array");
        }
        List<BundleFile> files = new ArrayList<>();
        for (JsonNode file : list) {
            JsonNode size = file.get("size");
            if (size == null || !size.canConvertToLong() || !size.isIntegralNumber()) {
                throw new IllegalArgumentException("manifest.json: a file has no integer \"size\": " + file);
            }
            files.add(new BundleFile(text(file, "path"), text(file, "sha256"), size.longValue()));
        }
        return new BundleManifest(format.intValue(), text(root, "version"), text(root, "gitCommit"), buildTime, files);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("manifest.json: no text field \"" + field + "\" in " + abbreviate(node));
        }
        return value.textValue();
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }
}
