package dev.slate.control.archive;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Reads a zip archive with Apache Commons Compress from its central directory (in memory), which states each
 * entry's Unix mode, so symbolic links are refused before anything is read. The entry count is checked before any
 * entry is, and the collector never reads more of a file than its limit (whatever size the archive states).
 */
final class ZipArchiveReader {

    private ZipArchiveReader() {}

    static void read(byte[] body, ArchiveCollector collector) throws IOException {
        ZipFile zip;
        try {
            zip = ZipFile.builder()
                    .setSeekableByteChannel(new SeekableInMemoryByteChannel(body))
                    .setCharset("UTF-8")
                    .setUseUnicodeExtraFields(false)
                    .get();
        } catch (IOException | IllegalArgumentException e) {
            throw ArchiveCollector.parseFailed("the upload is not a zip archive (" + message(e) + ")");
        }
        try (zip) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
            if (entries.size() > ArchiveCollector.MAX_ENTRIES) {
                throw new SlateException(
                        ErrorCode.PAYLOAD_TOO_LARGE,
                        "the archive has more than " + ArchiveCollector.MAX_ENTRIES + " entries");
            }
            for (ZipArchiveEntry entry : entries) {
                String name = entry.getName();
                if (entry.isUnixSymlink()) {
                    collector.link(name);
                } else if (entry.isDirectory()) {
                    collector.directory(name);
                } else {
                    if (!zip.canReadEntryData(entry)) {
                        throw ArchiveCollector.parseFailed("'" + ArchiveCollector.shown(name)
                                + "' uses a compression method or encryption that is not supported");
                    }
                    try (InputStream content = zip.getInputStream(entry)) {
                        collector.file(name, entry.getSize(), content);
                    }
                }
            }
        }
    }

    private static String message(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.length() > 200 ? m.substring(0, 200) : m;
    }
}
