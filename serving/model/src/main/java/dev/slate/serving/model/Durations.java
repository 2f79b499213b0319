package dev.slate.serving.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that reads and writes durations as users type them: {@code 0s}, {@code 500ms},
 * {@code 10m}, {@code 1h}, {@code 1d}, compounds such as {@code 1h30m}, and ISO-8601 such as
 * {@code PT10M}. A bare {@code 0} is zero.
 */
public final class Durations {
    private static final Pattern COMPOUND = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException with a message fit for users when the text is not a
     *     non-negative duration
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration is required (e.g. 10m, 1h30m, 500ms, PT10M)");
        }
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("'" + abbreviate(text) + "' is negative; a duration must be 0s or more");
        }
        try {
            if (COMPOUND.matcher(t).matches()) {
                Duration total = Duration.ZERO;
                Matcher m = PART.matcher(t);
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    Duration part = switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
                    total = total.plus(part);
                }
                return total;
            }
            String upper = t.toUpperCase(Locale.ROOT);
            if (upper.startsWith("P")) {
                Duration d = Duration.parse(upper);
                if (d.isNegative()) {
                    throw new IllegalArgumentException(
                            "'" + abbreviate(text) + "' is negative; a duration must be 0s or more");
                }
                return d;
            }
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + abbreviate(text) + "' is not a duration (e.g. 10m, 1h30m, 500ms, PT10M)");
        }
        if (t.matches("\\d+(\\.\\d+)?")) {
            throw new IllegalArgumentException(
                    "'" + abbreviate(text) + "' has no unit; write e.g. " + t + "s, " + t + "m or " + t + "ms");
        }
        throw new IllegalArgumentException(
                "'" + abbreviate(text) + "' is not a duration (e.g. 10m, 1h30m, 500ms, PT10M)");
    }

    /** Writes a duration the way users type it: {@code 0s}, {@code 500ms}, {@code 1h30m}, {@code 2d}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (d.isNegative()) {
            sb.append('-');
            d = d.negated();
        }
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        long millis = d.toMillisPart();
        append(sb, days, "d");
        append(sb, hours, "h");
        append(sb, minutes, "m");
        append(sb, seconds, "s");
        append(sb, millis, "ms");
        if (sb.isEmpty() || sb.toString().equals("-")) {
            return d.toString();
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, long n, String unit) {
        if (n > 0) {
            sb.append(n).append(unit);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
