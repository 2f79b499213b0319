package dev.slate.installer.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Pushes the images of an OCI layout (the bundle's {@code images/}) to a registry: for each image every blob the
 * registry does not have yet (a HEAD first, so a second or interrupted push sends only what is missing), then its
 * manifests (children of an index first) by digest and the top one under the tag. The manifest bytes are sent as
 * they are in the layout, so the digest the chart references is the layout's.
 *
 * <p>A layout ref {@code NAME-VERSION} goes to repository {@code PREFIX/slate/NAME} with tag {@code VERSION}
 * (docs/install.md, "The images").
 */
public final class ImagePusher {
    private static final String ACCEPT = String.join(
            ",",
            OciDescriptor.OCI_MANIFEST,
            OciDescriptor.OCI_INDEX,
            OciDescriptor.DOCKER_MANIFEST,
            OciDescriptor.DOCKER_LIST);

    private final RegistryClient registry;
    private final Consumer<String> progress;
    private final ObjectMapper json = new ObjectMapper();

    public ImagePusher(RegistryClient registry, Consumer<String> progress) {
        this.registry = requireNonNull(registry, "registry is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /** Pushes every named image of the layout whose ref is {@code NAME-VERSION}; others are refused. */
    public List<PushedImage> pushAll(OciLayout layout, String version) {
        List<OciLayout.Image> images = layout.images();
        if (images.isEmpty()) {
            throw new IllegalArgumentException("the image layout " + layout.root() + " names no image");
        }
        List<PushedImage> pushed = new ArrayList<>();
        for (OciLayout.Image image : images) {
            pushed.add(push(layout, image, version));
        }
        return List.copyOf(pushed);
    }

    PushedImage push(OciLayout layout, OciLayout.Image image, String version) {
        String suffix = "-" + version;
        if (!image.refName().endsWith(suffix) || image.refName().length() == suffix.length()) {
            throw new IllegalArgumentException(
                    "image ref '" + image.refName() + "' is not NAME-" + version + " (the bundle's version)");
        }
        String name = image.refName().substring(0, image.refName().length() - suffix.length());
        String repository = registry.address().repository("slate/" + name);
        int uploaded = 0;
        int skipped = 0;
        long bytes = 0;
        List<OciDescriptor> manifests = layout.manifests(image.manifest());
        for (OciDescriptor manifest : manifests) {
            for (OciDescriptor blob : layout.blobsOf(manifest)) {
                if (registry.hasBlob(repository, blob.digest())) {
                    skipped++;
                    continue;
                }
                registry.pushBlob(repository, blob.digest(), layout.blob(blob));
                uploaded++;
                bytes += blob.size();
            }
        }
        for (OciDescriptor manifest : manifests) {
            boolean top = manifest.equals(image.manifest());
            byte[] content = layout.blobBytes(manifest);
            String mediaType = mediaType(manifest, content);
            String reference = top ? version : manifest.digest();
            if (!top
                    && registry.manifestDigest(repository, manifest.digest(), ACCEPT)
                            .isPresent()) {
                continue;
            }
            String stored = registry.pushManifest(repository, reference, mediaType, content);
            if (!stored.isEmpty() && !stored.equals(manifest.digest())) {
                throw new RegistryException("the registry stored manifest " + manifest.digest() + " of " + repository
                        + " as " + stored + " (it changed the bytes; the chart could not reference it by digest)");
            }
        }
        progress.accept(String.format(
                Locale.ROOT,
                "pushed %s:%s@%s (%d blobs uploaded, %d already there, %d bytes)",
                repository,
                version,
                image.manifest().digest(),
                uploaded,
                skipped,
                bytes));
        return new PushedImage(name, repository, version, image.manifest().digest(), uploaded, skipped, bytes);
    }

    private String mediaType(OciDescriptor manifest, byte[] content) {
        if (!manifest.mediaType().isEmpty()) {
            return manifest.mediaType();
        }
        try {
            return json.readTree(content).path("mediaType").asText(OciDescriptor.OCI_MANIFEST);
        } catch (IOException e) {
            throw new IllegalArgumentException("manifest " + manifest.digest() + " is not JSON", e);
        }
    }

    /** What clients ask for when they read a manifest back (every manifest type the push handles). */
    public static String acceptedManifestTypes() {
        return ACCEPT;
    }
}
