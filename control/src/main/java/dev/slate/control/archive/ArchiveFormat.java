package dev.slate.control.archive;

import java.util.Locale;
import java.util.Optional;

/** The archive formats a project may be uploaded in, by request {@code Content-Type}. */
public enum ArchiveFormat {
    /** A tar archive, optionally gzip-compressed ({@code application/x-tar}). */
    TAR,
    /** A gzip-compressed tar archive ({@code application/gzip}, {@code application/x-gzip}). */
    TAR_GZ,
    /** A zip archive ({@code application/zip}). */
    ZIP;

    public static final String GZIP = "application/gzip";
    public static final String X_GZIP = "application/x-gzip";
    public static final String X_TAR = "application/x-tar";
    public static final String ZIP_TYPE = "application/zip";

    /** The format for a media type (parameters ignored), if it is an archive type. */
    public static Optional<ArchiveFormat> forMediaType(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        String type = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return switch (type) {
            case GZIP, X_GZIP -> Optional.of(TAR_GZ);
            case X_TAR -> Optional.of(TAR);
            case ZIP_TYPE -> Optional.of(ZIP);
            default -> Optional.empty();
        };
    }
}
