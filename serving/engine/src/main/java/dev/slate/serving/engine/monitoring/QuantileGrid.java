package dev.slate.serving.engine.monitoring;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * A numeric reference kept as its quantiles at ranks 0, 0.001, …, 1 (docs/operations.md, "Drift"): small, exact to
 * 0.1 % of rank on top of the sketch it was read from, and storable as plain bytes (the sketch library's own
 * serialization does not run on every JDK Slate supports).
 *
 * @param quantiles {@value #STEPS} + 1 values, ascending
 * @param n how many values the reference had
 */
public record QuantileGrid(double[] quantiles, long n) {

    static final int STEPS = 1000;

    public QuantileGrid {
        if (quantiles.length != STEPS + 1) {
            throw new IllegalArgumentException(
                    "a quantile grid has " + (STEPS + 1) + " values, got " + quantiles.length);
        }
        quantiles = quantiles.clone();
    }

    /** The grid of a sketch's values. */
    public static QuantileGrid of(KllDoublesSketch sketch) {
        if (sketch.isEmpty()) {
            throw new IllegalArgumentException("a quantile grid needs values");
        }
        double[] ranks = new double[STEPS + 1];
        for (int i = 0; i <= STEPS; i++) {
            ranks[i] = (double) i / STEPS;
        }
        double[] q = sketch.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE);
        Arrays.sort(q); // monotone already; guards against rounding
        return new QuantileGrid(q, sketch.getN());
    }

    @Override
    public double[] quantiles() {
        return quantiles.clone();
    }

    /** The share of the reference's values at or below {@code x}. */
    public double cdf(double x) {
        int lo = 0;
        int hi = quantiles.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (quantiles[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return Math.max(0, lo - 1) / (double) STEPS;
    }

    /** The deciles, without duplicates, ascending: PSI's cut points. */
    public double[] deciles() {
        double[] d = new double[9];
        for (int k = 1; k <= 9; k++) {
            d[k - 1] = quantiles[k * STEPS / 10];
        }
        return Arrays.stream(d).distinct().sorted().toArray();
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(8 * quantiles.length);
        for (double q : quantiles) {
            b.putDouble(q);
        }
        return b.array();
    }

    public static QuantileGrid fromBytes(byte[] bytes, long n) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        double[] q = new double[bytes.length / 8];
        for (int i = 0; i < q.length; i++) {
            q[i] = b.getDouble();
        }
        return new QuantileGrid(q, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantileGrid g && g.n == n && Arrays.equals(g.quantiles, quantiles);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(quantiles) + Long.hashCode(n);
    }

    @Override
    public String toString() {
        return "QuantileGrid[n=" + n + ", min=" + quantiles[0] + ", median=" + quantiles[STEPS / 2] + ", max="
                + quantiles[STEPS] + "]";
    }
}
