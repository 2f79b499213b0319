package dev.slate.serving.telemetry;

import java.util.Locale;

/** What a usage record counts (docs/specs/usage-records.md, "metric"). */
public enum UsageMetric {
    /** Seconds this node served an environment, in whole periods of {@code slate.telemetry.period} (10 s). */
    NODE_SECONDS,
    /** Online queries answered (a bulk query counts once). */
    QUERIES,
    /** Output values computed (resolver or expression) rather than served from the online store. */
    FEATURES_COMPUTED,
    /** Rows of offline query results. */
    OFFLINE_ROWS;

    /** The name in the record and in the outbox: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a name that is no metric of this schema version */
    public static UsageMetric ofWireName(String name) {
        for (UsageMetric m : values()) {
            if (m.wireName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown usage metric '" + name + "'");
    }
}
