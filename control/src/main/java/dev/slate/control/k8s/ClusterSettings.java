package dev.slate.control.k8s;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What the desired objects of every environment share (from {@link ClusterConfig}): the serving image of the
 * installed bundle and where things live. A record, so the {@code desired} functions stay pure.
 *
 * @param imageDigest {@code sha256:…}; when present, pods pull {@code image@digest}
 */
public record ClusterSettings(
        String image,
        Optional<String> imageDigest,
        String namespacePrefix,
        String controlNamespace,
        int servingPort,
        int targetCpuPercent) {
    public ClusterSettings {
        requireNonNull(image, "image is null");
        requireNonNull(imageDigest, "imageDigest is null");
        requireNonNull(namespacePrefix, "namespacePrefix is null");
        requireNonNull(controlNamespace, "controlNamespace is null");
    }

    public static ClusterSettings of(ClusterConfig config) {
        return new ClusterSettings(
                config.image(),
                config.imageDigest(),
                config.namespacePrefix(),
                config.controlNamespace(),
                config.servingPort(),
                config.targetCpuPercent());
    }

    /** The image reference pods use: by digest when the bundle recorded one. */
    public String imageReference() {
        if (imageDigest.isEmpty()) {
            return image;
        }
        int tag = image.lastIndexOf(':');
        String repository = tag > image.lastIndexOf('/') ? image.substring(0, tag) : image;
        return repository + "@" + imageDigest.get();
    }
}
