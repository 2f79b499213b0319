package dev.slate.serving.featurelog;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link KillDuringWritesTest}: offers numbered values in batches of 50 and, once
 * the writer has written a batch to the spool, prints {@code SPOOLED n}. It never exits by itself: the
 * test kills it with SIGKILL.
 */
public final class SpoolWriterProcess {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FeatureLogSpool spool = new FeatureLogSpool(FeatureLogTest.fast(dir, 1_000_000, 1L << 30));
        long n = 0;
        while (true) {
            spool.offer(TestValues.range(n, n + 50));
            n += 50;
            while (spool.spooled() < n) {
                Thread.onSpinWait();
            }
            System.out.println("SPOOLED " + n);
            System.out.flush();
        }
    }
}
