package dev.slate.control.alerts;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An alert rule of one environment: it fires when {@code formula comparator threshold} has held for
 * {@code window} (0: at the first evaluation), and resolves when it no longer holds.
 */
public record AlertRule(
        String environment,
        String name,
        AlertFormula formula,
        Comparator comparator,
        double threshold,
        Duration window,
        Severity severity,
        String owner,
        List<String> channels,
        Optional<String> description) {

    public AlertRule {
        requireNonNull(environment, "environment is null");
        requireNonNull(name, "name is null");
        requireNonNull(formula, "formula is null");
        requireNonNull(comparator, "comparator is null");
        requireNonNull(window, "window is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(owner, "owner is null");
        channels = List.copyOf(channels);
        requireNonNull(description, "description is null");
    }

    public boolean breached(double value) {
        return comparator.holds(value, threshold);
    }

    public enum Severity {
        INFO,
        WARNING,
        CRITICAL
    }

    public enum Comparator {
        GT(">"),
        GE(">="),
        LT("<"),
        LE("<=");

        private final String symbol;

        Comparator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        boolean holds(double value, double threshold) {
            return switch (this) {
                case GT -> value > threshold;
                case GE -> value >= threshold;
                case LT -> value < threshold;
                case LE -> value <= threshold;
            };
        }

        public static Optional<Comparator> of(String symbol) {
            for (Comparator c : values()) {
                if (c.symbol.equals(symbol)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }
}
