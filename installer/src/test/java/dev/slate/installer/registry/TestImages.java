package dev.slate.installer.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A small OCI image layout the tests build themselves, shaped like the bundle's {@code images/}: two images,
 * {@code appliance-VERSION} (three layers) and {@code keycloak-VERSION} (two layers, the first shared with the
 * appliance, as the base layer is in the real bundle), each with a config.
 */
public final class TestImages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {}

    /** The layout's image manifests' digests by ref name. */
    public static Map<String, String> layout(Path dir, String version, long seed) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
        Random random = new Random(seed);
        ObjectNode base = blob(dir, "application/vnd.oci.image.layer.v1.tar+gzip", bytes(random, 300_000));
        Map<String, String> digests = new LinkedHashMap<>();
        ArrayNode index = JSON.createArrayNode();
        for (String name : new String[] {"appliance", "keycloak"}) {
            ObjectNode config = blob(
                    dir,
                    "application/vnd.oci.image.config.v1+json",
                    ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"10001:10001\"},"
                                    + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"slate\":\"" + name + seed
                                    + "\"}")
                            .getBytes(StandardCharsets.UTF_8));
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
            manifest.set("config", config);
            ArrayNode layers = manifest.putArray("layers");
            layers.add(base);
            int own = name.equals("appliance") ? 2 : 1;
            for (int i = 0; i < own; i++) {
                layers.add(blob(dir, "application/vnd.oci.image.layer.v1.tar+gzip", bytes(random, 50_000 + i)));
            }
            ObjectNode descriptor =
                    blob(dir, "application/vnd.oci.image.manifest.v1+json", JSON.writeValueAsBytes(manifest));
            descriptor.putObject("annotations").put(OciLayout.REF_NAME, name + "-" + version);
            index.add(descriptor);
            digests.put(name + "-" + version, descriptor.path("digest").asText());
        }
        ObjectNode top = JSON.createObjectNode();
        top.put("schemaVersion", 2);
        top.set("manifests", index);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(top));
        return digests;
    }

    private static byte[] bytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private static ObjectNode blob(Path dir, String mediaType, byte[] content) throws IOException {
        String hex = sha256(content);
        Files.write(dir.resolve("blobs/sha256").resolve(hex), content);
        ObjectNode descriptor = JSON.createObjectNode();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", "sha256:" + hex);
        descriptor.put("size", content.length);
        return descriptor;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
