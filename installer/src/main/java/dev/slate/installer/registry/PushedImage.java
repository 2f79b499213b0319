package dev.slate.installer.registry;

import static java.util.Objects.requireNonNull;

/**
 * One image in the customer's registry after a push.
 *
 * @param name the chart's name for it ({@code appliance}, {@code keycloak}): the layout ref {@code NAME-VERSION}
 * @param repository the repository in the registry, with the prefix ({@code PREFIX/slate/appliance})
 * @param tag the tag pushed (the bundle version)
 * @param digest the manifest digest the chart references ({@code sha256:…})
 * @param blobsUploaded blobs sent in this push
 * @param blobsSkipped blobs the registry already had (an earlier, possibly interrupted, push)
 * @param bytesUploaded bytes of the blobs sent
 */
public record PushedImage(
        String name,
        String repository,
        String tag,
        String digest,
        int blobsUploaded,
        int blobsSkipped,
        long bytesUploaded) {
    public PushedImage {
        requireNonNull(name, "name is null");
        requireNonNull(repository, "repository is null");
        requireNonNull(tag, "tag is null");
        requireNonNull(digest, "digest is null");
    }

    /** {@code REGISTRY/REPOSITORY@DIGEST} */
    public String reference(RegistryAddress address) {
        return address.host() + "/" + repository + "@" + digest;
    }
}
