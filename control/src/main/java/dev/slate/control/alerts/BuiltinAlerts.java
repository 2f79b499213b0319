package dev.slate.control.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alert rules Slate always evaluates, without anyone creating them (docs/alerts.md, "Built-in rules"). Each exists
 * in every environment that has at least one channel and notifies all of that environment's channels; it is
 * evaluated by the same evaluator, with the same states, de-duplication, silences and resolve notices as any rule.
 * Their names contain a dot, which a rule made through the API or a project cannot, so they never collide.
 */
public final class BuiltinAlerts {

    /** The usage outbox holds {@code slate.telemetry.outbox.max-backlog} unshipped records: new ones are dropped. */
    public static final String USAGE_OUTBOX_FULL = "builtin.usage-outbox-full";

    private static final AlertFormula OUTBOX_FILL =
            AlertFormula.parse("slate_usage_outbox_backlog / slate_usage_outbox_max_backlog");

    private BuiltinAlerts() {}

    /** The built-in rules of every environment with channels: environment to its channel names. */
    public static List<AlertRule> rules(Map<String, List<String>> channelsByEnvironment) {
        List<AlertRule> out = new ArrayList<>();
        channelsByEnvironment.forEach((environment, channels) -> {
            if (!channels.isEmpty()) {
                out.add(new AlertRule(
                        environment,
                        USAGE_OUTBOX_FULL,
                        OUTBOX_FILL,
                        AlertRule.Comparator.GE,
                        1.0,
                        Duration.ZERO,
                        AlertRule.Severity.CRITICAL,
                        "slate operators",
                        channels,
                        Optional.of("the usage outbox is at its bound (slate.telemetry.outbox.max-backlog): new usage"
                                + " records are dropped and counted in slate_usage_records_dropped_total until it"
                                + " ships; serving is not affected")));
            }
        });
        return out;
    }
}
