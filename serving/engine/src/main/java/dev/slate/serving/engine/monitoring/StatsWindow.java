package dev.slate.serving.engine.monitoring;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rolling windows feature-value statistics are kept over (docs/operations.md, "Feature-value monitoring"). Each
 * is made of buckets aligned to the clock: {@code 5m} is the current minute and the four before, {@code 1h} the
 * current five-minute bucket and the eleven before. A window therefore covers between its length minus one bucket
 * and its full length.
 */
public enum StatsWindow {
    FIVE_MINUTES("5m", Duration.ofMinutes(1), 5),
    ONE_HOUR("1h", Duration.ofMinutes(5), 12);

    private final String spelling;
    private final Duration bucket;
    private final int buckets;

    StatsWindow(String spelling, Duration bucket, int buckets) {
        this.spelling = spelling;
        this.bucket = bucket;
        this.buckets = buckets;
    }

    public String spelling() {
        return spelling;
    }

    public Duration bucket() {
        return bucket;
    }

    public int buckets() {
        return buckets;
    }

    public Duration length() {
        return bucket.multipliedBy(buckets);
    }

    /** The bucket an instant falls in (its start, in bucket lengths since the epoch). */
    long bucketOf(long epochMillis) {
        return Math.floorDiv(epochMillis, bucket.toMillis());
    }

    public static Optional<StatsWindow> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String t = s.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(w -> w.spelling.equals(t)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(StatsWindow::spelling).collect(Collectors.joining(", "));
    }
}
