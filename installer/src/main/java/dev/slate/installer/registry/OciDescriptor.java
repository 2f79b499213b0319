package dev.slate.installer.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/** A content descriptor of the OCI image layout: media type, digest ({@code sha256:…}) and size in bytes. */
public record OciDescriptor(String mediaType, String digest, long size) {
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    public OciDescriptor {
        requireNonNull(mediaType, "mediaType is null");
        requireNonNull(digest, "digest is null");
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a sha256 digest: '" + digest + "'");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + digest);
        }
    }

    static OciDescriptor of(JsonNode node, String where) {
        if (!node.path("digest").isTextual() || !node.path("size").canConvertToLong()) {
            throw new IllegalArgumentException(where + ": a descriptor needs a digest and a size");
        }
        return new OciDescriptor(
                node.path("mediaType").asText(""),
                node.path("digest").asText(),
                node.path("size").asLong());
    }

    /** An index (multi-platform): its entries are manifests, not layers. */
    public boolean isIndex() {
        return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
    }

    /** The hex part of the digest (the blob's file name under {@code blobs/sha256/}). */
    public String hex() {
        return digest.substring("sha256:".length());
    }
}
