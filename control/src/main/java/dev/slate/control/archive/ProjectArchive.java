package dev.slate.control.archive;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads a feature project from an uploaded archive, in memory (tar and zip read by Apache Commons Compress).
 *
 * <p>Project files are the {@code *.yaml}, {@code *.yml} and {@code *.sql} files; other files and
 * hidden ones ({@code .git/}, {@code ._x}) are skipped, and when the archive holds the project in
 * one top-level folder ({@code fraud/slate.yaml}) that folder is removed from the names. Rejected
 * with PARSE_FAILED: input that is not an archive of the stated format, paths with {@code ..},
 * absolute paths, links, devices, a file twice, and files that are not UTF-8. Rejected with
 * PAYLOAD_TOO_LARGE: more than 500 files, a file over 1 MiB, more than 5 MiB in all (every file in
 * the archive counts, skipped ones too, so a compressed bomb is never expanded).
 */
public final class ProjectArchive {
    private ProjectArchive() {}

    /**
     * The project files in the archive, by normalized relative path.
     *
     * @throws SlateException PARSE_FAILED or PAYLOAD_TOO_LARGE
     */
    public static Map<String, String> read(ArchiveFormat format, byte[] body) {
        ArchiveCollector collector = new ArchiveCollector();
        try {
            switch (format) {
                case TAR ->
                    TarArchiveReader.read(isGzip(body) ? gunzip(body) : new ByteArrayInputStream(body), collector);
                case TAR_GZ -> TarArchiveReader.read(gunzip(body), collector);
                case ZIP -> ZipArchiveReader.read(body, collector);
            }
        } catch (IOException e) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "the upload is not a readable " + describe(format) + " archive: " + safe(e),
                    e);
        }
        return collector.files();
    }

    private static InputStream gunzip(byte[] body) {
        if (!isGzip(body)) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED, "the upload is not gzip-compressed (Content-Type says it is)");
        }
        try {
            return new GZIPInputStream(new ByteArrayInputStream(body), 64 * 1024);
        } catch (IOException e) {
            throw new SlateException(ErrorCode.PARSE_FAILED, "the upload is not a valid gzip stream: " + safe(e), e);
        }
    }

    private static boolean isGzip(byte[] body) {
        return body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
    }

    private static String describe(ArchiveFormat format) {
        return switch (format) {
            case TAR -> "tar";
            case TAR_GZ -> "tar.gz";
            case ZIP -> "zip";
        };
    }

    /** The exception's message, shortened; archive readers' messages carry no content of the upload. */
    private static String safe(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }
}
