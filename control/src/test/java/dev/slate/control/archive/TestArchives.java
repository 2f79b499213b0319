package dev.slate.control.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds tar and zip archives byte by byte, including entries real tools would refuse to write. */
final class TestArchives {
    private TestArchives() {}

    /** A tar archive under construction. */
    static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar file(String name, String content) {
            return entry(name, '0', content.getBytes(StandardCharsets.UTF_8), "");
        }

        Tar file(String name, byte[] content) {
            return entry(name, '0', content, "");
        }

        Tar directory(String name) {
            return entry(name, '5', new byte[0], "");
        }

        Tar symlink(String name, String target) {
            return entry(name, '2', new byte[0], target);
        }

        Tar hardlink(String name, String target) {
            return entry(name, '1', new byte[0], target);
        }

        /** A pax extended header setting the next entry's path. */
        Tar paxPath(String path) {
            String record = " path=" + path + "\n";
            int length = record.length() + 1;
            while (String.valueOf(length).length() + record.length() != length) {
                length++;
            }
            return entry("PaxHeaders/x", 'x', (length + record).getBytes(StandardCharsets.UTF_8), "");
        }

        Tar entry(String name, char type, byte[] content, String linkTarget) {
            byte[] header = new byte[512];
            put(header, 0, name, 100);
            put(header, 100, "0000644", 8);
            put(header, 108, "0000000", 8);
            put(header, 116, "0000000", 8);
            put(header, 124, String.format(Locale.ROOT, "%011o", content.length), 12);
            put(header, 136, "00000000000", 12);
            header[156] = (byte) type;
            put(header, 157, linkTarget, 100);
            put(header, 257, "ustar", 6);
            put(header, 263, "00", 2);
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            long sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            put(header, 148, String.format(Locale.ROOT, "%06o", sum), 7);
            header[154] = 0;
            header[155] = ' ';
            out.writeBytes(header);
            out.writeBytes(content);
            int padding = (512 - content.length % 512) % 512;
            out.writeBytes(new byte[padding]);
            return this;
        }

        byte[] bytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(new byte[1024]);
            return copy.toByteArray();
        }

        byte[] gzipped() {
            return gzip(bytes());
        }

        private static void put(byte[] header, int offset, String value, int length) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
        }
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip archive under construction. */
    static final class Zip {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        private final List<String> symlinks = new ArrayList<>();

        Zip file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        Zip file(String name, byte[] content) {
            try {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(content);
                zip.closeEntry();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** An entry marked as a Unix symbolic link in the central directory (as Info-ZIP writes it). */
        Zip symlink(String name, String target) {
            symlinks.add(name);
            return file(name, target);
        }

        byte[] bytes() {
            try {
                zip.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] bytes = out.toByteArray();
            for (String name : symlinks) {
                markSymlink(bytes, name);
            }
            return bytes;
        }

        private static void markSymlink(byte[] b, String name) {
            byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
            for (int pos = 0; pos + 46 < b.length; pos++) {
                if (b[pos] == 0x50 && b[pos + 1] == 0x4b && b[pos + 2] == 0x01 && b[pos + 3] == 0x02) {
                    int nameLength = (b[pos + 28] & 0xff) | (b[pos + 29] & 0xff) << 8;
                    if (nameLength == wanted.length
                            && Arrays.equals(b, pos + 46, pos + 46 + nameLength, wanted, 0, nameLength)) {
                        b[pos + 5] = 3; // made by: Unix
                        int mode = 0120777;
                        b[pos + 40] = (byte) (mode & 0xff);
                        b[pos + 41] = (byte) ((mode >>> 8) & 0xff);
                        return;
                    }
                }
            }
            throw new IllegalStateException("no central directory entry " + name);
        }
    }
}
