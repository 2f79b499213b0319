package dev.slate.control.archive;

import dev.slate.control.deploy.ProjectLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small reader for tar archives (POSIX ustar, pax extended headers and GNU long names), as
 * written by GNU tar, bsdtar and most libraries. It hands entries to an {@link ArchiveCollector}
 * and never reads more of a file than the collector accepts.
 */
final class TarArchiveReader {
    private static final int BLOCK = 512;
    /** Bound for pax and GNU long-name headers, which hold names and attributes, not files. */
    private static final int MAX_METADATA_BYTES = 64 * 1024;

    private final InputStream in;
    private final ArchiveCollector collector;
    private String pendingPath;
    private long pendingSize = -1;

    private TarArchiveReader(InputStream in, ArchiveCollector collector) {
        this.in = in;
        this.collector = collector;
    }

    static void read(InputStream in, ArchiveCollector collector) throws IOException {
        new TarArchiveReader(in, collector).readAll();
    }

    private void readAll() throws IOException {
        byte[] header = new byte[BLOCK];
        boolean first = true;
        while (true) {
            int n = in.readNBytes(header, 0, BLOCK);
            if (n == 0 && !first) {
                return; // end of stream without the two zero blocks: accepted, as GNU tar does
            }
            if (n < BLOCK) {
                throw ArchiveCollector.parseFailed(first ? "the upload is not a tar archive (too short)" : "the tar archive is truncated");
            }
            if (isZeros(header)) {
                return; // end-of-archive marker
            }
            if (!checksumMatches(header)) {
                throw ArchiveCollector.parseFailed(first
                        ? "the upload is not a tar archive (bad header checksum)"
                        : "the tar archive is corrupt (bad header checksum)");
            }
            first = false;
            entry(header);
        }
    }

    private void entry(byte[] header) throws IOException {
        char type = (char) header[156];
        long size = number(header, 124, 12);
        String name = headerName(header);
        boolean extension = type == 'x' || type == 'g' || type == 'L' || type == 'K';
        if (!extension) {
            // a preceding pax or GNU header overrides this entry's name and size
            name = pendingPath != null ? pendingPath : name;
            size = pendingSize >= 0 ? pendingSize : size;
            pendingPath = null;
            pendingSize = -1;
        }
        switch (type) {
            case 'x' -> paxHeader(metadata(size), false);
            case 'g' -> paxHeader(metadata(size), true);
            case 'L' -> pendingPath = cString(metadata(size));
            case 'K' -> metadata(size); // a long link target: the link itself is rejected next
            case '0', '\0', '7' -> {
                EntryStream content = new EntryStream(in, size);
                collector.file(name, size, content);
                content.skipRest();
                skipPadding(size);
            }
            case '5' -> {
                collector.directory(name);
                skip(size);
            }
            case '1', '2' -> collector.link(name);
            case '3' -> collector.unsupported(name, "character device");
            case '4' -> collector.unsupported(name, "block device");
            case '6' -> collector.unsupported(name, "fifo");
            default -> collector.unsupported(name, "tar entry of type '" + printable(type) + "'");
        }
    }

    /** Reads a metadata entry's body (bounded) and the padding after it. */
    private byte[] metadata(long size) throws IOException {
        collector.metadata();
        if (size > MAX_METADATA_BYTES) {
            throw ArchiveCollector.parseFailed("the tar archive has an extended header of " + size + " bytes; at most " + MAX_METADATA_BYTES + " are accepted");
        }
        byte[] body = in.readNBytes((int) size);
        if (body.length < size) {
            throw ArchiveCollector.parseFailed("the tar archive is truncated");
        }
        skipPadding(size);
        return body;
    }

    /** Pax records: "LENGTH key=value\n". Only path and size matter here. */
    private void paxHeader(byte[] body, boolean global) {
        int pos = 0;
        while (pos < body.length) {
            int space = indexOf(body, (byte) ' ', pos);
            if (space < 0) {
                throw ArchiveCollector.parseFailed("the tar archive has a malformed extended header");
            }
            int length;
            try {
                length = Integer.parseInt(new String(body, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw ArchiveCollector.parseFailed("the tar archive has a malformed extended header");
            }
            if (length <= space - pos + 1 || pos + length > body.length) {
                throw ArchiveCollector.parseFailed("the tar archive has a malformed extended header");
            }
            String record = new String(body, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
            int equals = record.indexOf('=');
            if (equals > 0 && !global) {
                String key = record.substring(0, equals);
                String value = record.substring(equals + 1);
                if (key.equals("path")) {
                    pendingPath = value;
                } else if (key.equals("size")) {
                    try {
                        pendingSize = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw ArchiveCollector.parseFailed("the tar archive has a malformed size in an extended header");
                    }
                }
            }
            pos += length;
        }
    }

    private static String headerName(byte[] header) {
        String name = cString(Arrays.copyOfRange(header, 0, 100));
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a' && header[261] == 'r';
        if (ustar) {
            String prefix = cString(Arrays.copyOfRange(header, 345, 345 + 155));
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    /** A numeric header field: octal text, or base-256 when the high bit of the first byte is set. */
    private static long number(byte[] header, int offset, int length) {
        if ((header[offset] & 0x80) != 0) {
            return Long.MAX_VALUE; // base-256: only used for sizes beyond 8 GiB, far over any limit
        }
        long value = 0;
        boolean digits = false;
        for (int i = offset; i < offset + length; i++) {
            byte b = header[i];
            if (b == 0 || (b == ' ' && digits)) {
                break;
            }
            if (b == ' ') {
                continue;
            }
            if (b < '0' || b > '7') {
                throw ArchiveCollector.parseFailed("the tar archive has a malformed number in a header");
            }
            value = value * 8 + (b - '0');
            digits = true;
            if (value > ProjectLimits.MAX_TOTAL_BYTES * 1024L) {
                return Long.MAX_VALUE;
            }
        }
        return value;
    }

    private static boolean checksumMatches(byte[] header) {
        long stored;
        try {
            stored = number(header, 148, 8);
        } catch (RuntimeException e) {
            return false;
        }
        long unsigned = 0;
        long signed = 0; // some old writers summed signed bytes
        for (int i = 0; i < BLOCK; i++) {
            byte b = (i >= 148 && i < 156) ? (byte) ' ' : header[i];
            unsigned += b & 0xff;
            signed += b;
        }
        return stored == unsigned || stored == signed;
    }

    private void skipPadding(long size) throws IOException {
        long remainder = size % BLOCK;
        if (remainder != 0) {
            skip(BLOCK - remainder);
        }
    }

    private void skip(long bytes) throws IOException {
        if (bytes > ProjectLimits.MAX_TOTAL_BYTES) {
            throw ArchiveCollector.parseFailed("the tar archive has an oversized folder entry");
        }
        if (in.readNBytes((int) bytes).length < bytes) {
            throw ArchiveCollector.parseFailed("the tar archive is truncated");
        }
    }

    private static boolean isZeros(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String printable(char type) {
        return type >= 0x20 && type < 0x7f ? String.valueOf(type) : String.format("0x%02x", (int) type);
    }

    /** The bytes of one entry: never reads past its end. */
    private static final class EntryStream extends InputStream {
        private final InputStream in;
        private long remaining;

        EntryStream(InputStream in, long size) {
            this.in = in;
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw ArchiveCollector.parseFailed("the tar archive is truncated");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw ArchiveCollector.parseFailed("the tar archive is truncated");
            }
            remaining -= n;
            return n;
        }

        /** Only reached when the collector read the whole entry (it throws before stopping early). */
        void skipRest() throws IOException {
            if (remaining > ProjectLimits.MAX_FILE_BYTES) {
                throw ArchiveCollector.parseFailed("the tar archive has an entry larger than the limits");
            }
            while (remaining > 0) {
                read(new byte[(int) remaining]);
            }
        }
    }
}
