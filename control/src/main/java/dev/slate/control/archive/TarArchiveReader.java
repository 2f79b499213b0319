package dev.slate.control.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * Reads a tar archive (POSIX ustar, pax extended headers, GNU long names) with Apache Commons Compress and hands
 * its entries to an {@link ArchiveCollector}, which checks names and limits before more is read. Links, devices
 * and fifos are refused by type; the collector never reads more of a file than its limit.
 */
final class TarArchiveReader {
    private static final int BLOCK = TarConstants.DEFAULT_RCDSIZE;

    private TarArchiveReader() {}

    static void read(InputStream raw, ArchiveCollector collector) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
        requireTarHeader(in);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
            TarArchiveEntry entry;
            while ((entry = nextEntry(tar)) != null) {
                String name = entry.getName();
                if (entry.isSymbolicLink() || entry.isLink()) {
                    collector.link(name);
                } else if (entry.isCharacterDevice()) {
                    collector.unsupported(name, "character device");
                } else if (entry.isBlockDevice()) {
                    collector.unsupported(name, "block device");
                } else if (entry.isFIFO()) {
                    collector.unsupported(name, "fifo");
                } else if (entry.isDirectory()) {
                    collector.directory(name);
                } else if (entry.isFile()) {
                    try {
                        collector.file(name, entry.getSize(), tar);
                    } catch (IOException e) {
                        throw ArchiveCollector.parseFailed(
                                "the tar archive is truncated or corrupt (" + message(e) + ")");
                    }
                    drain(tar);
                } else {
                    collector.unsupported(name, "tar entry of type '" + printable((char) entry.getLinkFlag()) + "'");
                }
            }
        }
    }

    /** The first block must be a tar header with a valid checksum: anything else is not a tar archive. */
    private static void requireTarHeader(BufferedInputStream in) throws IOException {
        in.mark(BLOCK);
        byte[] header = in.readNBytes(BLOCK);
        in.reset();
        if (header.length < BLOCK) {
            throw ArchiveCollector.parseFailed("the upload is not a tar archive (too short)");
        }
        boolean valid;
        try {
            valid = TarUtils.verifyCheckSum(header);
        } catch (IllegalArgumentException e) {
            valid = false; // the checksum field is not even octal (found by QueryFuzzTest: a JSON body sent as a tar)
        }
        if (!valid) {
            throw ArchiveCollector.parseFailed("the upload is not a tar archive (bad header checksum)");
        }
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw ArchiveCollector.parseFailed("the tar archive is truncated or corrupt (" + message(e) + ")");
        }
    }

    /** What is left of a file the collector accepted (it read all of it or threw): nothing, or a truncation. */
    private static void drain(TarArchiveInputStream tar) throws IOException {
        try {
            if (tar.read() >= 0) {
                throw ArchiveCollector.parseFailed("the tar archive has an entry larger than the limits");
            }
        } catch (IOException e) {
            throw ArchiveCollector.parseFailed("the tar archive is truncated or corrupt (" + message(e) + ")");
        }
    }

    private static String message(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.length() > 200 ? m.substring(0, 200) : m;
    }

    private static String printable(char type) {
        return type >= 0x20 && type < 0x7f ? String.valueOf(type) : String.format(Locale.ROOT, "0x%02x", (int) type);
    }
}
