package dev.slate.installer.bundle;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts what a tar reader consumed and how many zero bytes it ended with: a tar that simply stops at an entry
 * boundary reads like one that ended properly unless its end-of-archive record (zero blocks) was seen.
 */
final class TailTrackingInputStream extends FilterInputStream {
    private long total;
    private long trailingZeros;

    TailTrackingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            total++;
            trailingZeros = b == 0 ? trailingZeros + 1 : 0;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        for (int i = 0; i < n; i++) {
            trailingZeros = buffer[offset + i] == 0 ? trailingZeros + 1 : 0;
        }
        if (n > 0) {
            total += n;
        }
        return n;
    }

    /** Skips by reading, so that the counts stay exact. */
    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    long total() {
        return total;
    }

    /** True when what was read ends on a block boundary with at least one zero block (the end-of-archive record). */
    boolean endedWithEndOfArchiveRecord() {
        return total % 512 == 0 && trailingZeros >= 512;
    }
}
