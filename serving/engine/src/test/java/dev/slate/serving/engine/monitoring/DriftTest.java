package dev.slate.serving.engine.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

/** PSI and the two-sample KS test against values computed by hand (docs/operations.md, "Drift"). */
class DriftTest {

    @Test
    void psiOfFourBinsMatchesTheHandComputedValue() {
        // Σ (a−e)·ln(a/e) = (−0.15)ln 0.4 + (−0.05)ln 0.8 + 0.05 ln 1.2 + 0.15 ln 1.6
        //                 = 0.137444 + 0.011157 + 0.009116 + 0.070501 = 0.228218
        double psi = Drift.psi(new double[] {25, 25, 25, 25}, new double[] {10, 20, 30, 40});
        assertThat(psi).isCloseTo(0.228218, within(1e-6));
    }

    @Test
    void psiOfTheSameDistributionIsZeroAndAnEmptyBinCountsAsEpsilon() {
        assertThat(Drift.psi(new double[] {1, 2, 3}, new double[] {10, 20, 30})).isCloseTo(0, within(1e-12));
        // current puts nothing in bin 2: that bin counts as 1e-4; by hand
        // (0.5−0.5)·0 + (1e-4 − 0.5)·ln(1e-4/0.5) = (−0.4999)·(−8.517193) = 4.257745 for the second,
        // and the first (1.0 − 0.5)·ln(2) = 0.346574
        double psi = Drift.psi(new double[] {1, 1}, new double[] {7, 0});
        assertThat(psi).isCloseTo(0.346574 + 4.257745, within(1e-5));
    }

    @Test
    void psiRefusesDifferentBins() {
        assertThatThrownBy(() -> Drift.psi(new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same bins");
    }

    @Test
    void categoricalPsiUsesTheReferenceValuesAndOther() {
        // bins (sorted): a, b, other. reference 50/30/20 of 100, current 20/30/50 of 100
        // (0.2−0.5)ln(0.4) + 0 + (0.5−0.2)ln(2.5) = 0.274887 + 0.274887 = 0.549774
        double psi = Drift.psi(Map.of("a", 50L, "b", 30L), 100, Map.of("a", 20L, "b", 30L, "z", 50L), 100);
        assertThat(psi).isCloseTo(0.549774, within(1e-6));
    }

    @Test
    void ksOfTwoSmallSamplesMatchesTheTextbookValues() {
        // x = 1..5, y = 3..8: the CDFs differ most at 5 (1.0 against 0.5), so D = 0.5. With nₑ = 5·6/11 = 2.7273,
        // λ = (√nₑ + 0.12 + 0.11/√nₑ)·D = 0.919027 and Q_KS(λ) = 0.367001 (Numerical Recipes, 14.3; the same value as
        // the complementary Kolmogorov distribution at λ)
        Drift.KsTest ks = Drift.ks(new double[] {1, 2, 3, 4, 5}, new double[] {3, 4, 5, 6, 7, 8});
        assertThat(ks.statistic()).isCloseTo(0.5, within(1e-12));
        assertThat(ks.pValue()).isCloseTo(0.367001, within(1e-6));
        assertThat(ks.n()).isEqualTo(5);
        assertThat(ks.m()).isEqualTo(6);
    }

    @Test
    void theKolmogorovTailAgreesOnBothSidesOfItsSwitchAndAtKnownPoints() {
        // Q_KS(1.36) = 0.0494 (the 5 % critical value), Q_KS(1.63) = 0.0098 (1 %)
        assertThat(Drift.qKs(1.36)).isCloseTo(0.0494, within(1e-4));
        assertThat(Drift.qKs(1.63)).isCloseTo(0.0098, within(1e-4));
        assertThat(Drift.qKs(1.17999)).isCloseTo(Drift.qKs(1.18001), within(1e-4));
        assertThat(Drift.qKs(0.2)).isCloseTo(1.0, within(1e-6));
        assertThat(Drift.qKs(5)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void sketchesOfTheSameDistributionShowNoDriftAndAShiftedOneDoes() {
        Random r = new Random(7);
        KllDoublesSketch reference = KllDoublesSketch.newHeapInstance(200);
        KllDoublesSketch same = KllDoublesSketch.newHeapInstance(200);
        KllDoublesSketch shifted = KllDoublesSketch.newHeapInstance(200);
        for (int i = 0; i < 20_000; i++) {
            reference.update(r.nextGaussian());
            same.update(r.nextGaussian());
            shifted.update(r.nextGaussian() + 1.0);
        }
        QuantileGrid grid = QuantileGrid.of(reference);
        assertThat(grid.n()).isEqualTo(20_000);
        assertThat(QuantileGrid.fromBytes(grid.toBytes(), grid.n())).isEqualTo(grid);
        assertThat(Drift.cuts(grid)).hasSize(9);
        for (double share : Drift.binShares(grid, Drift.cuts(grid))) {
            assertThat(share).isCloseTo(0.1, within(0.01));
        }
        assertThat(Drift.psi(grid, same)).isLessThan(0.02);
        // not a p-value bound: under no drift the p-value is uniform, and the KLL sketches (whose compaction draws
        // unseeded random bits) add up to about 1.3% rank error, so only the statistic has a bound that always holds
        assertThat(Drift.ks(grid, same).statistic()).isLessThan(0.04);
        // a shift by one standard deviation: PSI well above the usual 0.25 "significant" line, D = 2Φ(0.5) − 1 ≈ 0.383
        assertThat(Drift.psi(grid, shifted)).isGreaterThan(0.5);
        Drift.KsTest ks = Drift.ks(grid, shifted);
        assertThat(ks.statistic()).isCloseTo(0.383, within(0.03));
        assertThat(ks.pValue()).isLessThan(1e-6);
    }
}
