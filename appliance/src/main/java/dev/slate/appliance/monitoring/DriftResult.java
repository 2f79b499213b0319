package dev.slate.appliance.monitoring;

import dev.slate.serving.engine.monitoring.StatsWindow;
import java.util.Optional;

/**
 * The drift of one feature against a reference over a window (docs/operations.md, "Drift").
 *
 * @param bins PSI's bins (reference deciles, or listed values plus {@code other})
 * @param ks for a numeric feature, the two-sample Kolmogorov–Smirnov test
 */
public record DriftResult(
        String environment,
        String feature,
        String reference,
        StatsWindow window,
        long referenceValues,
        long currentValues,
        double psi,
        int bins,
        Optional<Ks> ks) {

    public record Ks(double statistic, double pValue) {}
}
