package dev.slate.serving.featurelog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * One spool segment file, {@code segment-<20-digit sequence>.spool}: the 8-byte magic {@code SLSPOOL1},
 * then records of {@code i32 payload length, i32 CRC32C of the payload, payload} (big-endian). A record
 * is valid only when its length fits the file and its checksum matches, so a write torn by a crash
 * ends the readable part of a segment instead of producing garbage.
 */
final class SpoolSegment {

    static final byte[] MAGIC = "SLSPOOL1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = MAGIC.length;
    static final int MAX_RECORD = 64 * 1024 * 1024;
    private static final Pattern NAME = Pattern.compile("segment-(\\d{20})\\.spool");

    private SpoolSegment() {}

    static Path path(Path directory, long sequence) {
        return directory.resolve(String.format(Locale.ROOT, "segment-%020d.spool", sequence));
    }

    /** The sequence number of a segment file, or -1 when the name is not a segment's. */
    static long sequenceOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Where the shipper records how far a segment has been shipped. */
    static Path offsetPath(Path segment) {
        return segment.resolveSibling(segment.getFileName() + ".shipped");
    }

    /** The segment files of a directory, oldest first. */
    static List<Path> list(Path directory) throws IOException {
        List<Path> segments = new ArrayList<>();
        try (var files = Files.list(directory)) {
            files.filter(f -> sequenceOf(f) >= 0).forEach(segments::add);
        }
        segments.sort((a, b) -> Long.compare(sequenceOf(a), sequenceOf(b)));
        return segments;
    }

    /** Appends framed records to an open segment. Not thread-safe: the spool's writer thread owns it. */
    static final class Writer implements AutoCloseable {
        private final Path path;
        private final long sequence;
        private final FileChannel channel;
        private final long createdNanos = System.nanoTime();
        private long size;
        private long records;

        Writer(Path directory, long sequence) throws IOException {
            this.sequence = sequence;
            this.path = SpoolSegment.path(directory, sequence);
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            writeFully(ByteBuffer.wrap(MAGIC));
            this.size = HEADER;
        }

        void append(List<byte[]> payloads) throws IOException {
            List<ByteBuffer> wrapped = new ArrayList<>(payloads.size());
            for (byte[] p : payloads) {
                wrapped.add(ByteBuffer.wrap(p));
            }
            appendBuffers(wrapped);
        }

        /**
         * Appends each buffer's remaining bytes as one record, with one gathering write; the buffers' positions are
         * left where they were (direct buffers are written without a copy to the heap).
         */
        void appendBuffers(List<ByteBuffer> payloads) throws IOException {
            ByteBuffer frames = ByteBuffer.allocate(8 * payloads.size());
            ByteBuffer[] gather = new ByteBuffer[2 * payloads.size()];
            CRC32C crc = new CRC32C();
            long total = 0;
            for (int i = 0; i < payloads.size(); i++) {
                ByteBuffer p = payloads.get(i).duplicate();
                crc.reset();
                crc.update(p.duplicate());
                frames.putInt(p.remaining()).putInt((int) crc.getValue());
                gather[2 * i] = frames.slice(8 * i, 8);
                gather[2 * i + 1] = p;
                total += 8 + p.remaining();
            }
            long left = total;
            while (left > 0) {
                left -= channel.write(gather);
            }
            size += total;
            records += payloads.size();
        }

        private void writeFully(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        /** Forces written records to the device (survives power loss, not only a killed process). */
        void force() throws IOException {
            channel.force(false);
        }

        long size() {
            return size;
        }

        long records() {
            return records;
        }

        long sequence() {
            return sequence;
        }

        Path path() {
            return path;
        }

        long ageNanos() {
            return System.nanoTime() - createdNanos;
        }

        @Override
        public void close() throws IOException {
            channel.force(false);
            channel.close();
        }
    }

    /** What a read found: the records' payloads, and where the next record starts. */
    record Chunk(List<byte[]> payloads, long nextOffset, boolean endOfSegment, boolean damaged) {}

    /**
     * Reads up to {@code maxRecords} valid records starting at {@code offset} (0 means the first record).
     * Reading stops at the end of the file or at the first invalid record; {@code damaged} tells that
     * bytes remained that do not form a valid record (a torn write, or damage).
     */
    static Chunk read(Path segment, long offset, int maxRecords) throws IOException {
        return read(segment, offset, maxRecords, Long.MAX_VALUE);
    }

    /** As {@link #read(Path, long, int)}, also stopping once the records read hold {@code maxBytes} (at least one record is read). */
    static Chunk read(Path segment, long offset, int maxRecords, long maxBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < HEADER) {
                return new Chunk(List.of(), HEADER, true, fileSize > 0);
            }
            ByteBuffer magic = ByteBuffer.allocate(HEADER);
            readFully(ch, magic, 0);
            if (!Arrays.equals(magic.array(), MAGIC)) {
                return new Chunk(List.of(), HEADER, true, true);
            }
            long pos = Math.max(offset, HEADER);
            List<byte[]> out = new ArrayList<>();
            ByteBuffer frame = ByteBuffer.allocate(8);
            CRC32C crc = new CRC32C();
            long bytes = 0;
            while (out.size() < maxRecords && (out.isEmpty() || bytes < maxBytes)) {
                if (pos == fileSize) {
                    return new Chunk(out, pos, true, false);
                }
                if (fileSize - pos < 8) {
                    return new Chunk(out, pos, true, true);
                }
                frame.clear();
                readFully(ch, frame, pos);
                int length = frame.getInt(0);
                int checksum = frame.getInt(4);
                if (length < 0 || length > MAX_RECORD || pos + 8 + length > fileSize) {
                    return new Chunk(out, pos, true, true);
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(ch, payload, pos + 8);
                crc.reset();
                crc.update(payload.array());
                if ((int) crc.getValue() != checksum) {
                    return new Chunk(out, pos, true, true);
                }
                out.add(payload.array());
                bytes += length;
                pos += 8 + length;
            }
            return new Chunk(out, pos, pos == fileSize, false);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of " + p);
            }
            p += n;
        }
    }
}
