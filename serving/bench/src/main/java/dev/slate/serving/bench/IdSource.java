package dev.slate.serving.bench;

import java.util.HashSet;
import java.util.SplittableRandom;

/** Uniformly random entity ids from 1 to {@code max}, from a fixed seed. Not thread-safe: used on one event loop. */
final class IdSource {

    private final SplittableRandom random;
    private final int max;

    IdSource(long seed, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        this.random = new SplittableRandom(seed);
        this.max = max;
    }

    long next() {
        return 1 + random.nextInt(max);
    }

    /** {@code n} distinct ids. */
    long[] distinct(int n) {
        if (n > max) {
            throw new IllegalArgumentException("cannot draw " + n + " distinct ids from " + max);
        }
        long[] ids = new long[n];
        HashSet<Long> seen = new HashSet<>(n * 2);
        int k = 0;
        while (k < n) {
            long id = next();
            if (seen.add(id)) {
                ids[k++] = id;
            }
        }
        return ids;
    }
}
