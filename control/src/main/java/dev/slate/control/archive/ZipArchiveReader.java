package dev.slate.control.archive;

import dev.slate.model.error.ErrorCode;
import dev.slate.model.error.SlateException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads a zip archive with {@link ZipInputStream}. The JDK does not expose an entry's Unix mode, so
 * the central directory is read first (a few fixed-size records) to find symbolic links, and every
 * entry read must be listed there.
 */
final class ZipArchiveReader {
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final int CENTRAL_DIRECTORY_HEADER = 0x02014b50;
    private static final int UNIX_HOST = 3;
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SYMLINK = 0120000;

    private ZipArchiveReader() {
    }

    static void read(byte[] body, ArchiveCollector collector) throws IOException {
        Map<String, Boolean> symlinkByName = centralDirectory(body);
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(body), StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = nextEntry(zip)) != null) {
                String name = entry.getName();
                Boolean symlink = symlinkByName.get(name);
                if (symlink == null) {
                    throw ArchiveCollector.parseFailed("the zip archive is inconsistent: '" + ArchiveCollector.shown(name) + "' is not in its central directory");
                }
                if (symlink) {
                    collector.link(name);
                } else if (entry.isDirectory()) {
                    collector.directory(name);
                } else {
                    collector.file(name, entry.getSize(), zip);
                }
            }
        }
    }

    private static ZipEntry nextEntry(ZipInputStream zip) throws IOException {
        try {
            return zip.getNextEntry();
        } catch (IllegalArgumentException e) { // a name that is not UTF-8
            throw ArchiveCollector.parseFailed("the zip archive has an entry name that is not UTF-8");
        }
    }

    /** Entry names in the central directory, each with whether it is a symbolic link. */
    private static Map<String, Boolean> centralDirectory(byte[] body) {
        int end = findEndOfCentralDirectory(body);
        if (end < 0) {
            throw ArchiveCollector.parseFailed("the upload is not a zip archive (no central directory)");
        }
        int entries = u16(body, end + 10);
        long size = u32(body, end + 12);
        long offset = u32(body, end + 16);
        if (entries == 0xffff || size == 0xffffffffL || offset == 0xffffffffL) {
            throw ArchiveCollector.parseFailed("ZIP64 archives are not supported; a project is small enough for a plain zip");
        }
        if (entries > ArchiveCollector.MAX_ENTRIES) {
            throw new SlateException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "the archive has more than " + ArchiveCollector.MAX_ENTRIES + " entries");
        }
        if (offset + size > end) {
            throw ArchiveCollector.parseFailed("the zip archive is corrupt (central directory out of bounds)");
        }
        Map<String, Boolean> names = new HashMap<>();
        int pos = (int) offset;
        for (int i = 0; i < entries; i++) {
            if (pos + 46 > end || u32(body, pos) != CENTRAL_DIRECTORY_HEADER) {
                throw ArchiveCollector.parseFailed("the zip archive is corrupt (bad central directory)");
            }
            int madeBy = u16(body, pos + 4) >>> 8;
            int nameLength = u16(body, pos + 28);
            int extraLength = u16(body, pos + 30);
            int commentLength = u16(body, pos + 32);
            long externalAttributes = u32(body, pos + 38);
            if (pos + 46 + nameLength > end) {
                throw ArchiveCollector.parseFailed("the zip archive is corrupt (bad central directory)");
            }
            // ZipInputStream is opened with UTF-8, so names decode the same way there whatever the flags say
            String name = new String(body, pos + 46, nameLength, StandardCharsets.UTF_8);
            boolean symlink = madeBy == UNIX_HOST && ((externalAttributes >>> 16) & FILE_TYPE_MASK) == SYMLINK;
            names.merge(name, symlink, (a, b) -> a || b);
            pos += 46 + nameLength + extraLength + commentLength;
        }
        return names;
    }

    private static int findEndOfCentralDirectory(byte[] body) {
        int last = body.length - 22;
        int first = Math.max(0, last - 0xffff); // the record ends with a comment of at most 64 KiB
        for (int pos = last; pos >= first; pos--) {
            if (u32(body, pos) == END_OF_CENTRAL_DIRECTORY && pos + 22 + u16(body, pos + 20) == body.length) {
                return pos;
            }
        }
        return -1;
    }

    private static int u16(byte[] b, int pos) {
        return (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int pos) {
        return ((long) u16(b, pos)) | ((long) u16(b, pos + 2)) << 16;
    }
}
