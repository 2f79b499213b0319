package dev.slate.installer.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An OCI image layout on disk ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/…}), as the bundle's
 * {@code images/} directory holds it (docs/install.md, "The offline bundle"): each image is an entry of
 * {@code index.json} named by its {@code org.opencontainers.image.ref.name} annotation.
 */
public final class OciLayout {
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    private final Path root;
    private final ObjectMapper json = new ObjectMapper();

    public OciLayout(Path root) {
        this.root = requireNonNull(root, "root is null");
    }

    public Path root() {
        return root;
    }

    /** One named image of the layout. */
    public record Image(String refName, OciDescriptor manifest) {}

    /** Every image of {@code index.json} that has a ref name, in index order. */
    public List<Image> images() {
        JsonNode index = readJson(root.resolve("index.json"), "index.json");
        if (!Files.isRegularFile(root.resolve("oci-layout"))) {
            throw new IllegalArgumentException(root + " is not an OCI image layout (no oci-layout file)");
        }
        List<Image> images = new ArrayList<>();
        for (JsonNode entry : index.path("manifests")) {
            String ref = entry.path("annotations").path(REF_NAME).asText("");
            if (!ref.isEmpty()) {
                images.add(new Image(ref, OciDescriptor.of(entry, "index.json")));
            }
        }
        return List.copyOf(images);
    }

    /** The file holding a blob; refused when it is missing or its size differs from the descriptor. */
    public Path blob(OciDescriptor descriptor) {
        Path file = root.resolve("blobs").resolve("sha256").resolve(descriptor.hex());
        try {
            if (!Files.isRegularFile(file) || Files.size(file) != descriptor.size()) {
                throw new IllegalArgumentException("blob " + descriptor.digest() + " is missing from " + root
                        + " or has another size than " + descriptor.size());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read blob " + descriptor.digest() + ": " + e.getMessage(), e);
        }
        return file;
    }

    public byte[] blobBytes(OciDescriptor descriptor) {
        try {
            return Files.readAllBytes(blob(descriptor));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read blob " + descriptor.digest() + ": " + e.getMessage(), e);
        }
    }

    /** The manifests an image consists of, children of an index before the index itself (the push order). */
    public List<OciDescriptor> manifests(OciDescriptor top) {
        List<OciDescriptor> ordered = new ArrayList<>();
        if (top.isIndex()) {
            for (JsonNode child : readJson(blob(top), top.digest()).path("manifests")) {
                ordered.addAll(manifests(OciDescriptor.of(child, top.digest())));
            }
        }
        ordered.add(top);
        return List.copyOf(ordered);
    }

    /** The config and layer blobs of an image manifest (none for an index), config first, each once. */
    public List<OciDescriptor> blobsOf(OciDescriptor manifest) {
        if (manifest.isIndex()) {
            return List.of();
        }
        JsonNode node = readJson(blob(manifest), manifest.digest());
        Set<OciDescriptor> blobs = new LinkedHashSet<>();
        blobs.add(OciDescriptor.of(node.path("config"), manifest.digest() + " config"));
        for (JsonNode layer : node.path("layers")) {
            blobs.add(OciDescriptor.of(layer, manifest.digest() + " layer"));
        }
        return List.copyOf(blobs);
    }

    private JsonNode readJson(Path file, String what) {
        try {
            return json.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " of " + root + ": " + e.getMessage(), e);
        }
    }
}
