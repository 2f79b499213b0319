package dev.slate.serving.bench;

import io.vertx.core.http.HttpMethod;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The appliance's feature-log counters ({@code slate_feature_log_values_total} by stage, from
 * {@code /q/metrics}), read before and after a measured Slate run to report how many computed values per
 * second the feature log accepted and shipped to the offline store while serving that load.
 */
record FeatureLogCounters(double accepted, double shipped, double dropped, long atNanos) {

    private static final Pattern LINE = Pattern.compile(
            "^slate_feature_log_values_total\\{[^}]*stage=\"(\\w+)\"[^}]*}\\s+([0-9.eE+-]+)\\s*$", Pattern.MULTILINE);

    /** Empty when the metrics are not reachable or the feature log is off. */
    static Optional<FeatureLogCounters> read(SlateAdmin admin) {
        try {
            HttpAnswer a = admin.call(HttpMethod.GET, "/q/metrics", null);
            if (a.status() != 200) {
                return Optional.empty();
            }
            double accepted = Double.NaN;
            double shipped = Double.NaN;
            double dropped = 0;
            Matcher m = LINE.matcher(a.body().toString());
            while (m.find()) {
                double v = Double.parseDouble(m.group(2));
                switch (m.group(1)) {
                    case "accepted" -> accepted = v;
                    case "shipped" -> shipped = v;
                    case "dropped" -> dropped = v;
                    default -> {
                        // another stage: not reported
                    }
                }
            }
            return Double.isNaN(accepted) || Double.isNaN(shipped)
                    ? Optional.empty()
                    : Optional.of(new FeatureLogCounters(accepted, shipped, dropped, System.nanoTime()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A note on the rates between {@code before} and this reading. */
    String since(FeatureLogCounters before) {
        double seconds = (atNanos - before.atNanos) / 1e9;
        return String.format(
                Locale.ROOT,
                "feature log during the Slate run: accepted %,.0f values/s, shipped to the offline store %,.0f values/s,"
                        + " dropped %,.0f values",
                (accepted - before.accepted) / seconds,
                (shipped - before.shipped) / seconds,
                dropped - before.dropped);
    }
}
