package dev.slate.serving.engine.monitoring;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Drift of a feature's current values against a reference (docs/operations.md, "Drift"): the population stability
 * index (PSI) over bins, and for numbers the two-sample Kolmogorov–Smirnov statistic and its asymptotic p-value.
 *
 * <p><b>Binning.</b> Numbers: the reference's deciles are the cut points (duplicates removed, so a discrete feature
 * may have fewer than ten bins); bin {@code i} holds values in {@code (cut[i-1], cut[i]]}, the first everything up
 * to {@code cut[0]}, the last everything above the last cut. Categories: one bin per value among the reference's
 * most frequent ones, and one bin {@code other} for the rest. A bin empty on either side counts as {@link #EPSILON}
 * (of the proportions) so the logarithm stays finite.
 *
 * <p><b>KS.</b> {@code D = max |F_ref(x) − F_cur(x)|} over every value either side holds (from the KLL sketches,
 * the reference as its quantile grid, the current values as their KLL sketch, so
 * within the sketch's rank error, about 1.7 %). The p-value uses the asymptotic Kolmogorov distribution with Stephens'
 * small-sample correction: {@code λ = (√nₑ + 0.12 + 0.11/√nₑ)·D}, {@code nₑ = n·m/(n+m)}, {@code p = 2 Σ_{j≥1}
 * (−1)^{j−1} e^{−2j²λ²}} (clamped to [0, 1]); with sketches {@code n} and {@code m} are the true value counts.
 */
public final class Drift {

    /** Proportion an empty bin counts as. */
    public static final double EPSILON = 1e-4;

    private Drift() {}

    /** PSI of two distributions over the same bins, given as counts or proportions (each side is normalized). */
    public static double psi(double[] reference, double[] current) {
        if (reference.length != current.length || reference.length == 0) {
            throw new IllegalArgumentException(
                    "PSI needs the same bins on both sides, got " + reference.length + " and " + current.length);
        }
        double[] e = proportions(reference);
        double[] a = proportions(current);
        double psi = 0;
        for (int i = 0; i < e.length; i++) {
            double ei = Math.max(e[i], EPSILON);
            double ai = Math.max(a[i], EPSILON);
            psi += (ai - ei) * Math.log(ai / ei);
        }
        return psi;
    }

    private static double[] proportions(double[] counts) {
        double total = 0;
        for (double c : counts) {
            if (c < 0 || Double.isNaN(c)) {
                throw new IllegalArgumentException("a bin count is negative or NaN: " + Arrays.toString(counts));
            }
            total += c;
        }
        double[] p = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            p[i] = total == 0 ? 0 : counts[i] / total;
        }
        return p;
    }

    /** The cut points of a numeric reference: its deciles, without duplicates, ascending. */
    public static double[] cuts(QuantileGrid reference) {
        return reference.deciles();
    }

    /** The share of the reference's values in each bin of {@code cuts} ({@code cuts.length + 1} bins). */
    public static double[] binShares(QuantileGrid reference, double[] cuts) {
        double[] shares = new double[cuts.length + 1];
        double previous = 0;
        for (int i = 0; i < cuts.length; i++) {
            double f = reference.cdf(cuts[i]);
            shares[i] = Math.max(0, f - previous);
            previous = f;
        }
        shares[cuts.length] = Math.max(0, 1 - previous);
        return shares;
    }

    /** The share of a sketch's values in each bin of {@code cuts} ({@code cuts.length + 1} bins). */
    public static double[] binShares(KllDoublesSketch sketch, double[] cuts) {
        if (cuts.length == 0) {
            return new double[] {1.0};
        }
        double[] cdf = sketch.getCDF(cuts, QuantileSearchCriteria.INCLUSIVE); // cuts.length + 1 entries, last 1.0
        double[] shares = new double[cdf.length];
        double previous = 0;
        for (int i = 0; i < cdf.length; i++) {
            shares[i] = Math.max(0, cdf[i] - previous);
            previous = cdf[i];
        }
        return shares;
    }

    /** PSI of numeric values: the reference's deciles as bins. */
    public static double psi(QuantileGrid reference, KllDoublesSketch current) {
        double[] cuts = cuts(reference);
        return psi(binShares(reference, cuts), binShares(current, cuts));
    }

    /**
     * PSI of categorical values: the reference's listed values as bins, plus {@code other}.
     *
     * @param reference value → count in the reference (its most frequent values), and {@code referenceTotal} in all
     */
    public static double psi(
            Map<String, Long> reference, long referenceTotal, Map<String, Long> current, long currentTotal) {
        List<String> bins = reference.keySet().stream().sorted().toList();
        double[] e = new double[bins.size() + 1];
        double[] a = new double[bins.size() + 1];
        long eListed = 0;
        long aListed = 0;
        for (int i = 0; i < bins.size(); i++) {
            e[i] = reference.get(bins.get(i));
            eListed += reference.get(bins.get(i));
            long c = current.getOrDefault(bins.get(i), 0L);
            a[i] = c;
            aListed += c;
        }
        e[bins.size()] = Math.max(0, referenceTotal - eListed);
        a[bins.size()] = Math.max(0, currentTotal - aListed);
        return psi(e, a);
    }

    /** The two-sample KS result: the statistic {@code D}, its p-value, and the sample sizes used. */
    public record KsTest(double statistic, double pValue, long n, long m) {}

    /** The exact two-sample KS test of two samples (the p-value is asymptotic, as documented above). */
    public static KsTest ks(double[] x, double[] y) {
        if (x.length == 0 || y.length == 0) {
            throw new IllegalArgumentException("KS needs values on both sides");
        }
        double[] a = x.clone();
        double[] b = y.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        Set<Double> points = new TreeSet<>();
        for (double v : a) {
            points.add(v);
        }
        for (double v : b) {
            points.add(v);
        }
        double d = 0;
        for (double p : points) {
            double fa = (double) upperBound(a, p) / a.length;
            double fb = (double) upperBound(b, p) / b.length;
            d = Math.max(d, Math.abs(fa - fb));
        }
        return new KsTest(d, pValue(d, a.length, b.length), a.length, b.length);
    }

    /** The KS test of a reference against a sketch: {@code D} over the reference's grid and every retained value. */
    public static KsTest ks(QuantileGrid reference, KllDoublesSketch current) {
        if (current.isEmpty()) {
            throw new IllegalArgumentException("KS needs values on both sides");
        }
        Set<Double> points = new HashSet<>();
        for (double q : reference.quantiles()) {
            points.add(q);
        }
        var it = current.iterator();
        while (it.next()) {
            points.add(it.getQuantile());
        }
        double[] p = points.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] fc = current.getRanks(p, QuantileSearchCriteria.INCLUSIVE);
        double d = 0;
        for (int i = 0; i < p.length; i++) {
            d = Math.max(d, Math.abs(reference.cdf(p[i]) - fc[i]));
        }
        return new KsTest(d, pValue(d, reference.n(), current.getN()), reference.n(), current.getN());
    }

    /** The asymptotic p-value of {@code D} for samples of {@code n} and {@code m} values (Stephens' correction). */
    public static double pValue(double d, long n, long m) {
        double ne = (double) n * m / (n + m);
        double sqrt = Math.sqrt(ne);
        double lambda = (sqrt + 0.12 + 0.11 / sqrt) * d;
        return qKs(lambda);
    }

    /**
     * {@code Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}}; for {@code λ < 1.18}, where that series converges slowly, its
     * equivalent {@code 1 − (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)²π²/(8λ²)}}. Four terms of either are exact to double
     * precision in its range.
     */
    static double qKs(double lambda) {
        if (lambda <= 0) {
            return 1.0;
        }
        double q;
        if (lambda < 1.18) {
            double y = Math.exp(-Math.PI * Math.PI / (8 * lambda * lambda));
            q = 1 - Math.sqrt(2 * Math.PI) / lambda * (y + Math.pow(y, 9) + Math.pow(y, 25) + Math.pow(y, 49));
        } else {
            double x = Math.exp(-2 * lambda * lambda);
            q = 2 * (x - Math.pow(x, 4) + Math.pow(x, 9) - Math.pow(x, 16));
        }
        return Math.min(1.0, Math.max(0.0, q));
    }

    private static int upperBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
