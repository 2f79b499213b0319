package dev.slate.control.alerts;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;

/**
 * A change of an alert's state that is notified: it started firing, or it resolved.
 *
 * @param dedupKey the same for the firing and the resolve notice of one episode (PagerDuty's {@code dedup_key})
 */
public record AlertEvent(AlertRule rule, Type type, double value, Instant at, String dedupKey) {

    public AlertEvent {
        requireNonNull(rule, "rule is null");
        requireNonNull(type, "type is null");
        requireNonNull(at, "at is null");
        requireNonNull(dedupKey, "dedupKey is null");
    }

    public enum Type {
        FIRING,
        RESOLVED
    }

    /** One line for people: {@code [CRITICAL] errors_high firing in prod: rate(...) = 3.2 > 1 (owner: team-risk)}. */
    public String summary() {
        return "[" + rule.severity() + "] " + rule.name() + (type == Type.FIRING ? " firing" : " resolved") + " in "
                + rule.environment() + ": "
                + rule.formula().text() + " = " + format(value)
                + (type == Type.FIRING ? " " + rule.comparator().symbol() + " " : ", threshold ")
                + format(rule.threshold()) + " (owner: " + rule.owner() + ")";
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.4g", v);
    }
}
