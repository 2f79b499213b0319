package dev.slate.storage.spi.offline;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The points in time an offline store keeps: UTC, microsecond precision, from year 1 to year 9999 (the
 * range Spark, Trino and DuckDB all read). Finer times are truncated towards the past.
 */
public final class OfflineTimes {

    /** The earliest time an offline store keeps. */
    public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    /** The latest time an offline store keeps. */
    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");

    private OfflineTimes() {}

    /** {@code t} truncated to microseconds; fails when it lies outside {@link #MIN}..{@link #MAX}. */
    public static Instant requireInRange(Instant t, String what) {
        if (t.isBefore(MIN) || t.isAfter(MAX)) {
            throw new IllegalArgumentException(what + " " + t + " is outside " + MIN + " .. " + MAX);
        }
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
